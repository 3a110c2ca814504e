using System.Buffers;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Plexus.Controller.Sources.Manifests;

/// <summary>
/// Turns one YAML document into JSON in a single pass over the parser's events, typing plain scalars by the YAML 1.2
/// core schema (null, booleans, integers, floats; everything else, and every quoted scalar, is a string), as kubectl
/// does. Going through JSON lets the model types be read by System.Text.Json, many times faster than YamlDotNet's
/// typed deserializer, which KubernetesClient also serializes behind one process-wide lock. Pure.
/// </summary>
/// <remarks>
/// Throws <see cref="YamlException"/> for malformed YAML and <see cref="NotSupportedException"/> for what it does
/// not translate (aliases, merge keys, explicit tags, non-scalar keys): callers read such documents another way.
/// </remarks>
internal static class YamlToJson
{
    /// <summary>The JSON of <paramref name="document"/> (one YAML document), or null when it holds no node (only comments).</summary>
    public static ManifestJsonDocument? Convert(string document)
    {
        var parser = new Parser(new StringReader(document));
        parser.Consume<StreamStart>();
        if (parser.Accept<StreamEnd>(out _))
        {
            return null;
        }

        parser.Consume<DocumentStart>();
        if (parser.Current is Scalar root && TypeOf(root) == ScalarType.Null)
        {
            return null; // "---" followed by nothing
        }

        var head = new Head();
        var buffer = new ArrayBufferWriter<byte>(document.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteNode(parser, writer, head, depth: 0, parentKey: null);
        }

        parser.Consume<DocumentEnd>();
        if (!parser.Accept<StreamEnd>(out _))
        {
            throw new NotSupportedException("more than one document");
        }

        return new ManifestJsonDocument(buffer.WrittenSpan.ToArray(), head.ApiVersion, head.Kind, head.Name);
    }

    private static void WriteNode(IParser parser, Utf8JsonWriter writer, Head head, int depth, string? parentKey)
    {
        var node = parser.Consume<ParsingEvent>() as NodeEvent ?? throw new NotSupportedException("aliases");
        if (!node.Tag.IsEmpty)
        {
            throw new NotSupportedException("explicit tags");
        }

        switch (node)
        {
            case Scalar scalar:
                WriteScalar(scalar, writer);
                break;
            case MappingStart:
                writer.WriteStartObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    if (parser.Current is not Scalar { Tag.IsEmpty: true } key || key.Value == "<<")
                    {
                        throw new NotSupportedException("non-scalar keys or merge keys");
                    }

                    parser.MoveNext();
                    writer.WritePropertyName(key.Value);
                    if (parser.Current is Scalar value && TypeOf(value) == ScalarType.String)
                    {
                        Remember(head, depth, parentKey, key.Value, value.Value);
                    }

                    WriteNode(parser, writer, head, depth + 1, key.Value);
                }

                writer.WriteEndObject();
                break;
            case SequenceStart:
                writer.WriteStartArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    WriteNode(parser, writer, head, depth + 1, null);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new NotSupportedException(node.GetType().Name);
        }
    }

    private static void Remember(Head head, int depth, string? parentKey, string key, string value)
    {
        switch (depth)
        {
            case 0 when key == "apiVersion": head.ApiVersion = value; break;
            case 0 when key == "kind": head.Kind = value; break;
            case 1 when key == "name" && parentKey == "metadata": head.Name = value; break;
        }
    }

    private static void WriteScalar(Scalar scalar, Utf8JsonWriter writer)
    {
        switch (TypeOf(scalar, out var integer, out var real))
        {
            case ScalarType.Null: writer.WriteNullValue(); break;
            case ScalarType.True: writer.WriteBooleanValue(true); break;
            case ScalarType.False: writer.WriteBooleanValue(false); break;
            case ScalarType.Integer: writer.WriteNumberValue(integer); break;
            case ScalarType.Real: writer.WriteNumberValue(real); break;
            default: writer.WriteStringValue(scalar.Value); break;
        }
    }

    private static ScalarType TypeOf(Scalar scalar) => TypeOf(scalar, out _, out _);

    private static ScalarType TypeOf(Scalar scalar, out long integer, out double real)
    {
        integer = 0;
        real = 0;
        var value = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return ScalarType.String;
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL": return ScalarType.Null;
            case "true" or "True" or "TRUE": return ScalarType.True;
            case "false" or "False" or "FALSE": return ScalarType.False;
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out integer))
        {
            return ScalarType.Integer;
        }

        return (char.IsAsciiDigit(value[0]) || value[0] is '-' or '+' or '.')
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out real)
            && double.IsFinite(real)
            ? ScalarType.Real
            : ScalarType.String;
    }

    private enum ScalarType
    {
        String,
        Null,
        True,
        False,
        Integer,
        Real,
    }

    /// <summary>The top-level fields seen so far.</summary>
    private sealed class Head
    {
        public string? ApiVersion { get; set; }

        public string? Kind { get; set; }

        public string? Name { get; set; }
    }
}
