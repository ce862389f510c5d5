namespace Portal.Core.Engine;

/// <summary>A package that cannot be loaded or compiled. The message starts with <c>file:line:column:</c> when a position is known.</summary>
public sealed class ModelLoadException(string message) : Exception(message)
{
    public static ModelLoadException At(string file, int line, int column, string message) =>
        new($"{file}:{line}:{column}: {message}");
}

/// <summary>A run-time problem in a simulation (missing input shape, parameter without a value at the period…).</summary>
public sealed class SimulationException(string message) : Exception(message);

/// <summary>An invalid reform; <see cref="JsonPath"/> points at the offending part of the reform JSON.</summary>
public sealed class ReformException(string jsonPath, string reason) : Exception($"{jsonPath}: {reason}")
{
    public string JsonPath { get; } = jsonPath;

    public string Reason { get; } = reason;
}

/// <summary>An invalid household; <see cref="JsonPath"/> points at the offending part of the household JSON.</summary>
public sealed class HouseholdInputException(string jsonPath, string reason) : Exception($"{jsonPath}: {reason}")
{
    public string JsonPath { get; } = jsonPath;

    public string Reason { get; } = reason;
}
