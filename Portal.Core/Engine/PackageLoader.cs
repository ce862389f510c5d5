using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Core.Engine.Formulas;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.Core.Engine;

/// <summary>
/// Loads one release folder (package.yaml, entities.yaml, parameters/**, variables/*.yaml, tests/*.yaml),
/// validates it and compiles every formula. Every problem is a <see cref="ModelLoadException"/>
/// whose message starts with <c>file:line:column:</c> (file relative to the release folder).
/// </summary>
public static partial class PackageLoader
{
    private static readonly string[] ReservedParameterKeys = ["description", "label", "unit", "reference", "metadata", "values", "brackets", "type"];
    private static readonly string[] VariableKeys =
        ["entity", "value_type", "definition_period", "label", "unit", "default", "reference", "formula", "possible_values", "description", "metadata"];

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemverPattern();

    public static CountryModel Load(string releaseDirectory)
    {
        var root = Path.GetFullPath(releaseDirectory);
        if (!System.IO.Directory.Exists(root))
        {
            throw new ModelLoadException($"{releaseDirectory}: no such release folder");
        }

        var info = LoadPackage(root);
        var entities = LoadEntities(root);
        var parameters = LoadParameters(root);
        var (variables, positions) = LoadVariables(root, entities);
        CheckEntityVariables(entities, variables);

        var schema = new ModelSchema(
            entities[0],
            entities.ToDictionary(e => e.Key, StringComparer.Ordinal),
            variables.ToDictionary(v => v.Name, StringComparer.Ordinal),
            parameters,
            new ParameterSlots());
        var kernels = new Dictionary<string, Kernel>(StringComparer.Ordinal);
        foreach (var variable in variables.Where(v => v.FormulaSource is not null))
        {
            try
            {
                kernels[variable.Name] = Binder.Compile(schema, variable, variable.FormulaSource!);
            }
            catch (FormulaException e)
            {
                var (line, column) = positions[variable.Name].Map(e.Line, e.Column);
                throw ModelLoadException.At(variable.SourceFile, line, column, e.Message);
            }
        }

        CheckCycles(variables, kernels);
        var tests = LoadTests(root, info, schema.Variables);
        return new CountryModel(info, entities, variables, parameters, kernels, schema.Slots, tests)
        {
            Sha256 = ReleaseHash.Compute(root),
        };
    }

    // ---------------------------------------------------------------- YAML helpers

    private static YamlNode ReadYaml(string root, string relative) => ParseYaml(relative, ReadText(root, relative));

    private static string ReadText(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"{relative}: file missing");
        }

        return File.ReadAllText(path);
    }

    /// <summary>The text's lines split as <see cref="File.ReadAllLines(string)"/> splits them (\r, \n or \r\n).</summary>
    private static string[] Lines(string text)
    {
        var lines = new List<string>();
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return [.. lines];
    }

    private static YamlNode ParseYaml(string relative, string text)
    {
        try
        {
            using var reader = new StringReader(text);
            var stream = new YamlStream();
            stream.Load(reader);
            return stream.Documents.Count == 0 ? new YamlMappingNode() : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw YamlError(relative, e);
        }
        catch (InvalidOperationException)
        {
            // YamlStream sometimes fails this way on malformed flow collections; the event parser
            // reports the same problem as a YamlException with a position.
            Mark last = Mark.Empty;
            try
            {
                var parser = new YamlDotNet.Core.Parser(new StringReader(text));
                while (parser.MoveNext())
                {
                    last = parser.Current!.End;
                }
            }
            catch (YamlException e)
            {
                throw YamlError(relative, e);
            }
            catch (InvalidOperationException)
            {
                // The parser gave up after the last complete event: point there.
            }

            throw ModelLoadException.At(relative, Math.Max(1, (int)last.Line), Math.Max(1, (int)last.Column), "invalid YAML after this point (unclosed bracket or quote?)");
        }
    }

    private static ModelLoadException YamlError(string relative, YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return ModelLoadException.At(relative, (int)e.Start.Line, (int)e.Start.Column, cut >= 0 ? message[(cut + 3)..] : message);
    }

    private static ModelLoadException Error(string file, YamlNode node, string message) =>
        ModelLoadException.At(file, (int)node.Start.Line, (int)node.Start.Column, message);

    private static YamlMappingNode Mapping(string file, YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(file, node, $"{what} must be a mapping");

    private static YamlNode? Get(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Text(string file, YamlMappingNode map, string key)
    {
        var node = Get(map, key);
        return node switch
        {
            null => null,
            YamlScalarNode s => s.Value,
            _ => throw Error(file, node, $"'{key}' must be a single value"),
        };
    }

    private static string Required(string file, YamlMappingNode map, string key, string where) =>
        Text(file, map, key) is { Length: > 0 } text ? text : throw Error(file, map, $"{where}: '{key}' is required");

    private static string KeyOf(YamlNode key) => ((YamlScalarNode)key).Value ?? "";

    private static void OnlyKeys(string file, YamlMappingNode map, IReadOnlyCollection<string> allowed, string where)
    {
        foreach (var (key, _) in map.Children)
        {
            var name = KeyOf(key);
            if (!allowed.Contains(name))
            {
                throw Error(file, key, $"{where}: unknown key '{name}'{Binder.Suggest(name, allowed)}");
            }
        }
    }

    private static bool IsNull(YamlScalarNode s) =>
        s.Style == ScalarStyle.Plain && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    private static bool? AsBool(YamlScalarNode s) =>
        s.Style != ScalarStyle.Plain ? null : s.Value switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => null,
        };

    private static double? AsNumber(YamlScalarNode s) =>
        s.Style == ScalarStyle.Plain && double.TryParse(s.Value?.Replace("_", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    private static IReadOnlyList<Reference> References(string file, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value):
                return [new Reference(s.Value!, s.Value!)];
            case YamlSequenceNode list when list.Children.Count > 0:
                return list.Children.Select(item => item switch
                {
                    YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value) => new Reference(s.Value!, s.Value!),
                    YamlMappingNode m => new Reference(Text(file, m, "title") ?? Text(file, m, "href") ?? "", Required(file, m, "href", "reference")),
                    _ => throw Error(file, item, "a reference is a URL or {title, href}"),
                }).ToList();
            default:
                throw Error(file, node, "reference must be a URL or a non-empty list of {title, href}");
        }
    }

    // ---------------------------------------------------------------- package.yaml

    private static PackageInfo LoadPackage(string root)
    {
        const string file = "package.yaml";
        var map = Mapping(file, ReadYaml(root, file), "package.yaml");
        OnlyKeys(file, map, ["country", "name", "version", "description", "currency", "default_period", "year_start"], "package.yaml");
        var country = Required(file, map, "country", "package.yaml");
        var version = Required(file, map, "version", "package.yaml");
        var folder = Path.GetFileName(root);
        if (!SemverPattern().IsMatch(version))
        {
            throw Error(file, Get(map, "version")!, $"version '{version}' is not semver (major.minor.patch)");
        }

        if (!string.Equals(version, folder, StringComparison.Ordinal))
        {
            throw Error(file, Get(map, "version")!, $"version '{version}' must equal the release folder name '{folder}'");
        }

        var countryFolder = Path.GetFileName(Path.GetDirectoryName(root));
        if (!string.Equals(country, countryFolder, StringComparison.Ordinal))
        {
            throw Error(file, Get(map, "country")!, $"country '{country}' must equal the country folder name '{countryFolder}'");
        }

        var periodText = Required(file, map, "default_period", "package.yaml");
        if (!int.TryParse(periodText, NumberStyles.None, CultureInfo.InvariantCulture, out var period) || period is < 1900 or > 2200)
        {
            throw Error(file, Get(map, "default_period")!, $"default_period must be a year, got '{periodText}'");
        }

        var yearStart = Text(file, map, "year_start") ?? "01-01";
        if (!DateOnly.TryParseExact($"2000-{yearStart}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
        {
            throw Error(file, Get(map, "year_start")!, $"year_start must be MM-DD, got '{yearStart}'");
        }

        var currency = Required(file, map, "currency", "package.yaml");
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            throw Error(file, Get(map, "currency")!, $"currency must be an ISO 4217 code like USD, got '{currency}'");
        }

        return new PackageInfo(country, version, Required(file, map, "name", "package.yaml"), Text(file, map, "description") ?? "",
            currency, period, start.Month, start.Day, root);
    }

    // ---------------------------------------------------------------- entities.yaml

    private static List<EntityDefinition> LoadEntities(string root)
    {
        const string file = "entities.yaml";
        var map = Mapping(file, ReadYaml(root, file), "entities.yaml");
        OnlyKeys(file, map, ["person", "groups"], "entities.yaml");
        var person = Get(map, "person") ?? throw Error(file, map, "entities.yaml: 'person' is required");
        var entities = new List<EntityDefinition> { Entity(file, Mapping(file, person, "person"), true) };
        if (Get(map, "groups") is { } groups)
        {
            if (groups is not YamlSequenceNode list)
            {
                throw Error(file, groups, "groups must be a list");
            }

            foreach (var group in list)
            {
                var entity = Entity(file, Mapping(file, group, "a group"), false);
                if (entities.Any(e => e.Key == entity.Key || e.Plural == entity.Plural))
                {
                    throw Error(file, group, $"entity key or plural '{entity.Key}'/'{entity.Plural}' is used twice");
                }

                entities.Add(entity);
            }
        }

        return entities;
    }

    private static EntityDefinition Entity(string file, YamlMappingNode map, bool isPerson)
    {
        OnlyKeys(file, map, isPerson ? ["key", "plural", "label", "weight", "description"] : ["key", "plural", "label", "weight", "roles", "description"], "entity");
        var key = Required(file, map, "key", "entity");
        if (!IdentifierPattern().IsMatch(key))
        {
            throw Error(file, Get(map, "key")!, $"entity key '{key}' must be lower_snake_case");
        }

        var roles = new List<RoleDefinition>();
        if (Get(map, "roles") is YamlSequenceNode roleList)
        {
            foreach (var role in roleList)
            {
                var roleMap = Mapping(file, role, "a role");
                OnlyKeys(file, roleMap, ["key", "variable", "label"], "role");
                roles.Add(new RoleDefinition(Required(file, roleMap, "key", "role"), Required(file, roleMap, "variable", "role")));
            }
        }

        return new EntityDefinition
        {
            Key = key,
            Plural = Required(file, map, "plural", "entity"),
            Label = Text(file, map, "label") ?? key,
            WeightVariable = Text(file, map, "weight"),
            IsPerson = isPerson,
            Roles = roles,
        };
    }

    // ---------------------------------------------------------------- parameters/**

    private sealed class GroupBuilder(string path, string name)
    {
        public string Path { get; } = path;

        public string Name { get; } = name;

        public Dictionary<string, object> Children { get; } = new(StringComparer.Ordinal);

        public ParameterGroup Build() => new()
        {
            Path = Path,
            Name = Name,
            Children = [.. Children.Values.Select(c => c is GroupBuilder g ? g.Build() : (ParameterNode)c)],
        };
    }

    private static ParameterGroup LoadParameters(string root)
    {
        var top = new GroupBuilder("", "");
        var folder = Path.Combine(root, "parameters");
        if (!System.IO.Directory.Exists(folder))
        {
            return top.Build();
        }

        var files = System.IO.Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);
        foreach (var relative in files)
        {
            var segments = relative["parameters/".Length..].Split('/');
            segments[^1] = Path.GetFileNameWithoutExtension(segments[^1]);
            var group = top;
            foreach (var segment in segments)
            {
                if (!IdentifierLike(segment))
                {
                    throw ModelLoadException.At(relative, 1, 1, $"'{segment}' is not a valid parameter path segment (letters, digits, _)");
                }

                if (!group.Children.TryGetValue(segment, out var child))
                {
                    group.Children[segment] = child = new GroupBuilder(Join(group.Path, segment), segment);
                }

                group = child as GroupBuilder ?? throw ModelLoadException.At(relative, 1, 1, $"'{Join(group.Path, segment)}' is already a value");
            }

            var map = Mapping(relative, ReadYaml(root, relative), "a parameter file");
            var own = Get(map, "reference") is { } r ? References(relative, r) : [];
            foreach (var (key, value) in map.Children)
            {
                var name = KeyOf(key);
                if (ReservedParameterKeys.Contains(name))
                {
                    if (name is "values" or "brackets" && value is not YamlMappingNode)
                    {
                        throw Error(relative, key, $"a parameter file is a node; put '{name}' under a named key");
                    }

                    if (name is "description" or "label" or "reference" or "metadata" or "unit")
                    {
                        continue;
                    }
                }

                if (group.Children.ContainsKey(name))
                {
                    throw Error(relative, key, $"parameter '{Join(group.Path, name)}' is defined twice");
                }

                group.Children[name] = ParseParameter(relative, key, value, Join(group.Path, name), name, own);
            }
        }

        return top.Build();
    }

    private static bool IdentifierLike(string s) => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static ParameterNode ParseParameter(string file, YamlNode key, YamlNode node, string path, string name, IReadOnlyList<Reference> inherited)
    {
        if (!IdentifierLike(name))
        {
            throw Error(file, key, $"'{name}' is not a valid parameter name (letters, digits, _)");
        }

        var map = Mapping(file, node, $"parameter '{path}'");
        var references = Get(map, "reference") is { } r ? References(file, r) : inherited;
        var label = Text(file, map, "label");
        var description = Text(file, map, "description");
        var unit = Text(file, map, "unit");
        var line = (int)key.Start.Line;

        if (Get(map, "values") is { } values)
        {
            OnlyKeys(file, map, ["description", "label", "unit", "reference", "metadata", "values"], $"parameter '{path}'");
            RequireReference(file, key, path, references);
            var (series, isBool) = Dated(file, values, path);
            return new ParameterLeaf
            {
                Path = path, Name = name, Label = label, Description = description, Unit = unit, References = references,
                Values = series, IsBool = isBool, SourceFile = file, SourceLine = line,
            };
        }

        if (Get(map, "brackets") is YamlSequenceNode brackets)
        {
            OnlyKeys(file, map, ["description", "label", "unit", "reference", "metadata", "brackets", "type", "threshold_unit", "rate_unit", "amount_unit"], $"scale '{path}'");
            RequireReference(file, key, path, references);
            var typeText = Text(file, map, "type") ?? "marginal_rate";
            var type = typeText switch
            {
                "marginal_rate" => ScaleType.MarginalRate,
                "single_amount" => ScaleType.SingleAmount,
                _ => throw Error(file, Get(map, "type")!, $"scale type must be marginal_rate or single_amount, got '{typeText}'"),
            };
            var list = new List<ScaleBracket>();
            foreach (var item in brackets)
            {
                var bracket = Mapping(file, item, "a bracket");
                var field = type == ScaleType.MarginalRate ? "rate" : "amount";
                OnlyKeys(file, bracket, ["threshold", field], $"bracket of a {typeText} scale");
                var threshold = Get(bracket, "threshold") ?? throw Error(file, item, "bracket: 'threshold' is required");
                var valueNode = Get(bracket, field) ?? throw Error(file, item, $"bracket: '{field}' is required");
                var thresholds = Dated(file, threshold, $"{path}[{list.Count}].threshold").Values;
                var amounts = Dated(file, valueNode, $"{path}[{list.Count}].{field}").Values;
                list.Add(type == ScaleType.MarginalRate
                    ? new ScaleBracket(thresholds, amounts, null)
                    : new ScaleBracket(thresholds, null, amounts));
            }

            if (list.Count == 0)
            {
                throw Error(file, brackets, $"scale '{path}' has no brackets");
            }

            return new ParameterScale
            {
                Path = path, Name = name, Label = label, Description = description, Unit = unit, References = references,
                ScaleType = type, Brackets = list, SourceFile = file, SourceLine = line,
            };
        }

        if (Get(map, "type") is { } typeNode)
        {
            throw Error(file, typeNode, $"'type' belongs to a scale; '{path}' has no brackets list");
        }

        var children = new List<ParameterNode>();
        foreach (var (childKey, childValue) in map.Children)
        {
            var childName = KeyOf(childKey);
            if (childName is "description" or "label" or "unit" or "reference" or "metadata")
            {
                continue;
            }

            children.Add(ParseParameter(file, childKey, childValue, Join(path, childName), childName, references));
        }

        if (children.Count == 0)
        {
            throw Error(file, key, $"parameter '{path}' has neither values, brackets nor children");
        }

        return new ParameterGroup
        {
            Path = path, Name = name, Label = label, Description = description, Unit = unit, References = references,
            Children = children, SourceFile = file, SourceLine = line,
        };
    }

    private static void RequireReference(string file, YamlNode key, string path, IReadOnlyList<Reference> references)
    {
        if (references.Count == 0)
        {
            throw Error(file, key, $"parameter '{path}' has no reference (add one to it or to a parent node)");
        }
    }

    private static (IReadOnlyList<DatedValue> Values, bool IsBool) Dated(string file, YamlNode node, string path)
    {
        var map = Mapping(file, node, $"values of '{path}'");
        var values = new List<DatedValue>();
        bool? isBool = null;
        foreach (var (key, value) in map.Children)
        {
            var dateText = KeyOf(key);
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw Error(file, key, $"'{dateText}' is not a date (yyyy-MM-dd)");
            }

            if (value is not YamlScalarNode scalar)
            {
                throw Error(file, value, "a parameter value must be a number or a boolean");
            }

            double number;
            if (AsBool(scalar) is { } b)
            {
                number = b ? 1 : 0;
                if (isBool == false)
                {
                    throw Error(file, value, $"'{path}' mixes numbers and booleans");
                }

                isBool = true;
            }
            else if (AsNumber(scalar) is { } n)
            {
                number = n;
                if (isBool == true)
                {
                    throw Error(file, value, $"'{path}' mixes numbers and booleans");
                }

                isBool = false;
            }
            else
            {
                throw Error(file, value, $"'{scalar.Value}' is not a number or a boolean");
            }

            values.Add(new DatedValue(date, number));
        }

        if (values.Count == 0)
        {
            throw Error(file, node, $"'{path}' has no values");
        }

        return ([.. values.OrderBy(v => v.Start)], isBool == true);
    }

    // ---------------------------------------------------------------- variables/*.yaml

    /// <summary>Maps a 0-based position inside a formula to a 1-based position in the YAML file.</summary>
    private sealed record FormulaPosition(int FirstLine, int FirstColumn, int Indent, bool Block)
    {
        public (int Line, int Column) Map(int line, int column) =>
            Block ? (FirstLine + line, Indent + column + 1) : (FirstLine + line, line == 0 ? FirstColumn + column : column + 1);
    }

    private static (List<VariableDefinition>, Dictionary<string, FormulaPosition>) LoadVariables(string root, List<EntityDefinition> entities)
    {
        var variables = new List<VariableDefinition>();
        var positions = new Dictionary<string, FormulaPosition>(StringComparer.Ordinal);
        var folder = Path.Combine(root, "variables");
        if (!System.IO.Directory.Exists(folder))
        {
            throw new ModelLoadException("variables/: folder missing");
        }

        var files = System.IO.Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);
        foreach (var file in files)
        {
            // One read: the text is parsed and also kept as lines to locate formula blocks.
            var source = ReadText(root, file);
            var lines = Lines(source);
            var map = Mapping(file, ParseYaml(file, source), "a variables file");
            foreach (var (key, value) in map.Children)
            {
                var name = KeyOf(key);
                if (!IdentifierPattern().IsMatch(name))
                {
                    throw Error(file, key, $"variable name '{name}' must be lower_snake_case");
                }

                if (variables.FirstOrDefault(v => v.Name == name) is { } existing)
                {
                    throw Error(file, key, $"variable '{name}' is already defined in {existing.SourceFile}:{existing.SourceLine}");
                }

                var definition = Mapping(file, value, $"variable '{name}'");
                OnlyKeys(file, definition, VariableKeys, $"variable '{name}'");
                var entityKey = Required(file, definition, "entity", $"variable '{name}'");
                if (!entities.Any(e => e.Key == entityKey))
                {
                    throw Error(file, Get(definition, "entity")!, $"unknown entity '{entityKey}'{Binder.Suggest(entityKey, entities.Select(e => e.Key))}");
                }

                var typeText = Required(file, definition, "value_type", $"variable '{name}'");
                var type = typeText switch
                {
                    "float" => VariableValueType.Float,
                    "int" => VariableValueType.Int,
                    "bool" => VariableValueType.Bool,
                    "enum" => VariableValueType.Enum,
                    _ => throw Error(file, Get(definition, "value_type")!, $"value_type must be float, int, bool or enum, got '{typeText}'"),
                };
                var period = Text(file, definition, "definition_period") ?? "year";
                if (period != "year")
                {
                    throw Error(file, Get(definition, "definition_period")!, $"only definition_period 'year' is supported, got '{period}'");
                }

                var possible = new List<string>();
                if (Get(definition, "possible_values") is { } possibleNode)
                {
                    if (type != VariableValueType.Enum)
                    {
                        throw Error(file, possibleNode, "possible_values is only for value_type enum");
                    }

                    if (possibleNode is not YamlSequenceNode list || list.Children.Count == 0)
                    {
                        throw Error(file, possibleNode, "possible_values must be a non-empty list");
                    }

                    foreach (var item in list)
                    {
                        var text = (item as YamlScalarNode)?.Value;
                        if (string.IsNullOrEmpty(text) || !IdentifierLike(text))
                        {
                            throw Error(file, item, "a possible value must be a name (letters, digits, _)");
                        }

                        if (possible.Contains(text))
                        {
                            throw Error(file, item, $"possible value '{text}' is listed twice");
                        }

                        possible.Add(text);
                    }
                }
                else if (type == VariableValueType.Enum)
                {
                    throw Error(file, key, $"enum variable '{name}' needs possible_values");
                }

                var defaultValue = ParseDefault(file, definition, name, type, possible);
                var formulaNode = Get(definition, "formula");
                string? formula = null;
                if (formulaNode is not null)
                {
                    if (formulaNode is not YamlScalarNode { Value: { Length: > 0 } formulaText } scalar)
                    {
                        throw Error(file, formulaNode, "formula must be text");
                    }

                    formula = formulaText;
                    positions[name] = PositionOf(scalar, lines);
                }

                variables.Add(new VariableDefinition
                {
                    Name = name,
                    Entity = entityKey,
                    ValueType = type,
                    PossibleValues = possible,
                    DefinitionPeriod = period,
                    Label = Text(file, definition, "label") ?? name,
                    Unit = Text(file, definition, "unit"),
                    Default = defaultValue,
                    Reference = Get(definition, "reference") is { } r ? References(file, r) : [],
                    FormulaSource = formula,
                    SourceFile = file,
                    SourceLine = (int)key.Start.Line,
                });
            }
        }

        return (variables, positions);
    }

    private static FormulaPosition PositionOf(YamlScalarNode scalar, string[] lines)
    {
        if (scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded)
        {
            // Block scalar: the text starts on the line after the '|' indicator.
            var first = (int)scalar.Start.Line; // 1-based line of the indicator
            var indent = 0;
            for (var i = first; i < lines.Length; i++)
            {
                if (lines[i].Trim().Length > 0)
                {
                    indent = lines[i].Length - lines[i].TrimStart(' ').Length;
                    return new FormulaPosition(i + 1, indent + 1, indent, true);
                }
            }

            return new FormulaPosition(first + 1, 1, 0, true);
        }

        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 1 : 0;
        return new FormulaPosition((int)scalar.Start.Line, (int)scalar.Start.Column + quoted, 0, false);
    }

    private static double ParseDefault(string file, YamlMappingNode definition, string name, VariableValueType type, List<string> possible)
    {
        var node = Get(definition, "default");
        if (node is null)
        {
            return 0;
        }

        if (node is not YamlScalarNode scalar)
        {
            throw Error(file, node, "default must be a single value");
        }

        switch (type)
        {
            case VariableValueType.Enum:
                var index = possible.IndexOf(scalar.Value ?? "");
                return index >= 0
                    ? index
                    : throw Error(file, node, $"default '{scalar.Value}' of '{name}' is not one of its possible values{Binder.Suggest(scalar.Value ?? "", possible)}");
            case VariableValueType.Bool:
                return AsBool(scalar) is { } b
                    ? (b ? 1 : 0)
                    : throw Error(file, node, $"default of bool variable '{name}' must be true or false");
            default:
                var number = AsNumber(scalar) ?? throw Error(file, node, $"default of '{name}' must be a number");
                if (type == VariableValueType.Int && number != Math.Floor(number))
                {
                    throw Error(file, node, $"default of int variable '{name}' must be a whole number");
                }

                return number;
        }
    }

    private static void CheckEntityVariables(List<EntityDefinition> entities, List<VariableDefinition> variables)
    {
        foreach (var entity in entities)
        {
            if (entity.WeightVariable is { } weight)
            {
                var v = variables.FirstOrDefault(x => x.Name == weight)
                    ?? throw new ModelLoadException($"entities.yaml: weight variable '{weight}' of '{entity.Key}' is not defined{Binder.Suggest(weight, variables.Select(x => x.Name))}");
                if (v.Entity != entity.Key || v.ValueType is VariableValueType.Enum or VariableValueType.Bool)
                {
                    throw new ModelLoadException($"{v.SourceFile}:{v.SourceLine}:1: weight variable '{weight}' must be a number of entity '{entity.Key}'");
                }
            }

            foreach (var role in entity.Roles)
            {
                var v = variables.FirstOrDefault(x => x.Name == role.Variable)
                    ?? throw new ModelLoadException($"entities.yaml: role variable '{role.Variable}' of '{entity.Key}.{role.Key}' is not defined");
                if (v.Entity != entities[0].Key || v.ValueType != VariableValueType.Bool)
                {
                    throw new ModelLoadException($"{v.SourceFile}:{v.SourceLine}:1: role variable '{role.Variable}' must be a bool of entity '{entities[0].Key}'");
                }
            }
        }
    }

    private static void CheckCycles(List<VariableDefinition> variables, Dictionary<string, Kernel> kernels)
    {
        // Iterative three-colour DFS; the path on the stack is the cycle when a grey node is met again.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var start in variables.Select(v => v.Name))
        {
            if (state.GetValueOrDefault(start) != 0)
            {
                continue;
            }

            var path = new List<string>();
            var stack = new Stack<(string Name, IEnumerator<string> Next)>();
            state[start] = 1;
            path.Add(start);
            stack.Push((start, Deps(start).GetEnumerator()));
            while (stack.Count > 0)
            {
                var (name, next) = stack.Peek();
                if (next.MoveNext())
                {
                    var dep = next.Current;
                    var s = state.GetValueOrDefault(dep);
                    if (s == 1)
                    {
                        var cycle = path.Skip(path.IndexOf(dep)).Append(dep);
                        var v = variables.First(x => x.Name == dep);
                        throw new ModelLoadException($"{v.SourceFile}:{v.SourceLine}:1: cycle in variable graph: {string.Join(" -> ", cycle)}");
                    }

                    if (s == 0)
                    {
                        state[dep] = 1;
                        path.Add(dep);
                        stack.Push((dep, Deps(dep).GetEnumerator()));
                    }
                }
                else
                {
                    state[name] = 2;
                    path.RemoveAt(path.Count - 1);
                    stack.Pop();
                }
            }
        }

        IEnumerable<string> Deps(string name) => kernels.TryGetValue(name, out var k) ? k.Dependencies : [];
    }

    // ---------------------------------------------------------------- tests/*.yaml

    private static List<ModelTestCase> LoadTests(string root, PackageInfo info, IReadOnlyDictionary<string, VariableDefinition> variables)
    {
        var cases = new List<ModelTestCase>();
        var folder = Path.Combine(root, "tests");
        if (!System.IO.Directory.Exists(folder))
        {
            return cases;
        }

        var files = System.IO.Directory.EnumerateFiles(folder, "*.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var node = ReadYaml(root, file);
            if (node is YamlMappingNode { Children.Count: 0 })
            {
                continue;
            }

            if (node is not YamlSequenceNode list)
            {
                throw Error(file, node, "a tests file is a list of test cases");
            }

            foreach (var item in list)
            {
                var map = Mapping(file, item, "a test case");
                OnlyKeys(file, map, ["name", "reference", "period", "absolute_error_margin", "relative_error_margin", "reform", "input", "output", "description"], "test case");
                var name = Required(file, map, "name", "test case");
                var references = Get(map, "reference") is { } r ? References(file, r).Select(x => x.Href).ToList() : [];
                int? period = null;
                if (Text(file, map, "period") is { } periodText)
                {
                    period = int.TryParse(periodText, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                        ? p
                        : throw Error(file, Get(map, "period")!, $"period must be a year, got '{periodText}'");
                }

                var input = ToJson(Get(map, "input") ?? throw Error(file, item, $"test '{name}': 'input' is required")) as JsonObject
                    ?? throw Error(file, Get(map, "input")!, "input must be a mapping (household JSON)");
                var outputNode = Get(map, "output") as YamlMappingNode
                    ?? throw Error(file, item, $"test '{name}': 'output' mapping is required");
                var outputs = new List<ModelTestOutput>();
                foreach (var (key, value) in outputNode.Children)
                {
                    var variable = KeyOf(key);
                    if (!variables.ContainsKey(variable))
                    {
                        throw Error(file, key, $"unknown variable '{variable}'{Binder.Suggest(variable, variables.Keys)}");
                    }

                    if (value is YamlMappingNode perInstance)
                    {
                        foreach (var (instance, expected) in perInstance.Children)
                        {
                            outputs.Add(new ModelTestOutput(variable, KeyOf(instance), ToJson(expected)));
                        }
                    }
                    else
                    {
                        outputs.Add(new ModelTestOutput(variable, null, ToJson(value)));
                    }
                }

                cases.Add(new ModelTestCase
                {
                    Name = name,
                    References = references,
                    Period = period ?? info.DefaultPeriod,
                    AbsoluteErrorMargin = Margin(file, map, "absolute_error_margin"),
                    RelativeErrorMargin = Margin(file, map, "relative_error_margin"),
                    Reform = Get(map, "reform") is { } reform ? ToJson(reform) : null,
                    Input = input,
                    Outputs = outputs,
                    SourceFile = file,
                    SourceLine = (int)item.Start.Line,
                });
            }
        }

        return cases;
    }

    private static double? Margin(string file, YamlMappingNode map, string key)
    {
        if (Get(map, key) is not { } node)
        {
            return null;
        }

        return node is YamlScalarNode s && AsNumber(s) is { } d && d >= 0 ? d : throw Error(file, node, $"{key} must be a non-negative number");
    }

    /// <summary>YAML → JSON with YAML 1.2 core schema typing of plain scalars.</summary>
    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(KeyOf(p.Key), ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode s when IsNull(s) => null,
        YamlScalarNode s when AsBool(s) is { } b => JsonValue.Create(b),
        YamlScalarNode s when AsNumber(s) is { } d => JsonValue.Create(d),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => null,
    };
}
