namespace Portal.E2E.Infrastructure;

/// <summary>Polling with a deadline, for state that a background job produces.</summary>
public static class Eventually
{
    /// <summary>Calls <paramref name="probe"/> until it returns a value or <paramref name="timeout"/> passes.</summary>
    public static async Task<T> ReturnsAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, Func<string>? diagnostics = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.{Environment.NewLine}{diagnostics?.Invoke()}");
            }

            await Task.Delay(250);
        }
    }
}
