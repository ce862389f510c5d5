using System.Diagnostics.CodeAnalysis;

// Value type names mirror the package format (value_type: float | int | bool | enum).
[assembly: SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "Names of the package format's value types.", Scope = "type", Target = "~T:Portal.Core.Engine.VariableValueType")]

// The binder returns Node from every bind method on purpose: callers compose them uniformly.
[assembly: SuppressMessage("Performance", "CA1859:Use concrete types when possible for improved performance", Justification = "Uniform node-returning binder and loader helpers; not on a hot path.", Scope = "namespaceanddescendants", Target = "~N:Portal.Core.Engine")]
