using Portal.Core.Engine;

namespace Portal.Tests.Engine;

/// <summary>Compile errors carry the YAML file position of the offending token.</summary>
public sealed class CompileErrorTests
{
    private static string Error(string formula, string entity = "person", string type = "float", string extra = "") =>
        EnginePackages.LoadError($"# extra variables\nprobe:\n  entity: {entity}\n  value_type: {type}\n{extra}  formula: |\n    {formula.Replace("\n", "\n    ", StringComparison.Ordinal)}\n");

    [Fact]
    public void Unknown_variable_with_suggestion_at_the_token_position()
    {
        // Formula text starts on line 6, column 5 of variables/extra.yaml.
        Assert.Equal(
            "variables/extra.yaml:7:13: unknown variable 'employment_incme' (did you mean 'employment_income'?)",
            Error("x = 1\nx + 2 * employment_incme"));
    }

    [Fact]
    public void Single_line_formula_positions()
    {
        var message = EnginePackages.LoadError("probe:\n  entity: person\n  value_type: float\n  formula: age + agee\n");
        Assert.Equal("variables/extra.yaml:4:18: unknown variable 'agee' (did you mean 'age'?)", message);
        var quoted = EnginePackages.LoadError("probe:\n  entity: person\n  value_type: float\n  formula: 'age + agee'\n");
        Assert.Equal("variables/extra.yaml:4:19: unknown variable 'agee' (did you mean 'age'?)", quoted);
    }

    [Theory]
    [InlineData("age +", "6:10: expected a value but found end of formula")]
    [InlineData("(age + 1", "6:13: expected ')' but found end of formula")]
    [InlineData("age $ 2", "6:9: unexpected character '$'")]
    [InlineData("1 < 2 < 3", "6:11: comparisons cannot be chained; combine them with 'and'")]
    [InlineData("age\nage", "7:5: only the last line may be an expression; earlier lines must be bindings 'name = expression'")]
    [InlineData("x = 1", "6:5: the last line must be the result, not a binding of 'x'")]
    [InlineData("'JOINT", "6:5: unterminated string literal")]
    public void Syntax_errors(string formula, string expected) =>
        Assert.Equal($"variables/extra.yaml:{expected}", Error(formula));

    [Theory]
    [InlineData("age + household.region", "enums cannot be used in arithmetic ('+')")]
    [InlineData("household.region == 'EAST'", "'EAST' is not a possible value of enum<NORTH|SOUTH>")]
    [InlineData("household.region == 'NORHT'", "'NORHT' is not a possible value of enum<NORTH|SOUTH> (did you mean 'NORTH'?)")]
    [InlineData("age == 'X'", "cannot compare int with a string; only enums have string values")]
    [InlineData("household.region < 1", "enums cannot be used in arithmetic ('<')")]
    [InlineData("household_net_income", "variable 'household_net_income' belongs to entity 'household', not 'person'; use household.household_net_income")]
    [InlineData("sum(members.age)", "sum() aggregates over a group's members and is only valid in a group formula")]
    [InlineData("members.age", "'members' can only be used inside an aggregation: sum(members.x), count(members), …")]
    [InlineData("parameters.tax.income.rates", "'tax.income.rates' is a scale; use .calc(x), .marginal_rate(x) or .amount(x)")]
    [InlineData("parameters.tax.income", "'tax.income' is a parameter node, not a value; name or index one of its children")]
    [InlineData("parameters.tax.income.personal_alowance", "unknown parameter 'tax.income.personal_alowance' (did you mean 'personal_allowance'?)")]
    [InlineData("parameters.tax.income.rates.amount(age)", ".amount() needs a single_amount scale; 'tax.income.rates' is marginal_rate (use .calc)")]
    [InlineData("parameters.region.rate[age]", "a parameter node can only be indexed by an enum, not int")]
    [InlineData("parameters.benefits.child.amount[household.region]", "parameter node 'benefits.child.amount' has no child for enum value 'NORTH'")]
    [InlineData("sqrt(1, 2)", "sqrt() takes 1 argument, got 2")]
    [InlineData("sqr(2)", "unknown function 'sqr' (did you mean 'sqrt'?)")]
    [InlineData("position(household_x, age > 1)", "position()'s first argument must be a group: tax_unit, household")]
    [InlineData("age = 1\nage", "local 'age' would shadow the variable of the same name")]
    [InlineData("max = 1\nmax", "local 'max' would shadow a built-in name")]
    [InlineData("x = 1\nx = 2\nx", "local 'x' is already defined")]
    [InlineData("round(age, age)", "round()'s digits must be a whole number literal")]
    public void Type_and_name_errors(string formula, string expected) =>
        Assert.EndsWith(expected, Error(formula));

    [Fact]
    public void Result_type_must_fit_the_variable()
    {
        Assert.EndsWith("formula of 'probe' gives int but the variable is bool", Error("age * 2", type: "bool"));
        Assert.EndsWith("formula of 'probe' gives enum<NORTH|SOUTH> but the variable is float", Error("household.region"));
        Assert.EndsWith("'EAST' is not a possible value of enum<A|B>", Error("where(age > 1, 'A', 'EAST')", type: "enum", extra: "  possible_values: [A, B]\n  default: A\n"));
        Assert.EndsWith("formula of 'probe' gives enum<NORTH|SOUTH> but the variable is enum<A|B>", Error("household.region", type: "enum", extra: "  possible_values: [A, B]\n  default: A\n"));
        Assert.EndsWith("6:22: cannot compare enum<NORTH|SOUTH> with int", Error("household.region == 1"));
        Assert.Equal([0, 1, 1], EnginePackages.WithVariables("b:\n  entity: person\n  value_type: float\n  formula: age > 18\n")
            is var m ? new Simulation(m, EnginePackages.People(m, [1, 20, 30]), 2024).Calculate("b") : null);
    }

    [Fact]
    public void Group_formulas_need_aggregation_for_person_variables()
    {
        Assert.EndsWith("variable 'age' belongs to entity 'person', not 'tax_unit'; aggregate it, e.g. sum(members.age)", Error("age", entity: "tax_unit"));
        Assert.EndsWith("entity 'tax_unit' has no role 'dependant' (did you mean 'dependent'?)", Error("count(members, role=dependant)", entity: "tax_unit"));
        Assert.EndsWith("count()'s first argument must be 'members': count(members) or count(members, condition)", Error("count(age)", entity: "tax_unit"));
        Assert.EndsWith("position() is only valid in a person formula", Error("position(tax_unit, true)", entity: "tax_unit"));
    }

    [Fact]
    public void Cycles_are_rejected_with_the_path()
    {
        var message = EnginePackages.LoadError(
            "a:\n  entity: person\n  value_type: float\n  formula: b + 1\n" +
            "b:\n  entity: person\n  value_type: float\n  formula: c * 2\n" +
            "c:\n  entity: person\n  value_type: float\n  formula: a\n");
        Assert.EndsWith("cycle in variable graph: a -> b -> c -> a", message);
        Assert.StartsWith("variables/extra.yaml:1:1:", message);
    }

    [Fact]
    public void Package_validation_errors()
    {
        Assert.Equal("variables/extra.yaml:2:11: unknown entity 'persn' (did you mean 'person'?)",
            EnginePackages.LoadError("v:\n  entity: persn\n  value_type: float\n"));
        Assert.Equal("variables/extra.yaml:5:12: default 'C' of 'v' is not one of its possible values",
            EnginePackages.LoadError("v:\n  entity: person\n  value_type: enum\n  possible_values: [A, B]\n  default: C\n"));
        Assert.Equal("variables/extra.yaml:3:3: variable 'v': unknown key 'formla' (did you mean 'formula'?)",
            EnginePackages.LoadError("v:\n  entity: person\n  formla: age\n  value_type: float\n"));
        Assert.Equal("variables/person.yaml:6:1: variable 'age' is already defined in variables/extra.yaml:1",
            EnginePackages.LoadError("age:\n  entity: person\n  value_type: float\n"));
        Assert.Equal("parameters/extra.yaml:1:1: parameter 'extra.x' has no reference (add one to it or to a parent node)",
            EnginePackages.LoadError(new Dictionary<string, string> { ["parameters/extra.yaml"] = "x:\n  values: {2024-01-01: 1}\n" }));
        Assert.Equal("parameters/extra.yaml:4:5: 'soon' is not a date (yyyy-MM-dd)",
            EnginePackages.LoadError(new Dictionary<string, string> { ["parameters/extra.yaml"] = "reference: https://x.org\nx:\n  values:\n    soon: 1\n" }));
        Assert.Equal("parameters/extra.yaml:1:6: invalid YAML after this point (unclosed bracket or quote?)",
            EnginePackages.LoadError(new Dictionary<string, string> { ["parameters/extra.yaml"] = "x: [1, 2\ny: 3\n" }));
        Assert.Equal("parameters/extra.yaml:2:1: Duplicate key x",
            EnginePackages.LoadError(new Dictionary<string, string> { ["parameters/extra.yaml"] = "x: 1\nx: 2\n" }));
        Assert.Equal("package.yaml:3:10: version '2.0.0' must equal the release folder name '1.0.0'",
            EnginePackages.LoadError(new Dictionary<string, string> { ["package.yaml"] = "country: xx\nname: X\nversion: 2.0.0\ncurrency: XXX\ndefault_period: 2024\n" }));
    }
}
