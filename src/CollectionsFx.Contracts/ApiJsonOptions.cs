using System.Text.Json;
using System.Text.Json.Serialization;

namespace CollectionsFx.Contracts;

/// <summary>The JSON of the API: camelCase, enums as camelCase strings, nulls omitted, durations in seconds.</summary>
public static class ApiJsonOptions
{
    /// <summary>Options the API writes with and the web app reads with.</summary>
    public static readonly JsonSerializerOptions Value = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new SecondsConverter(), new NotANumberAsNullConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// A double that is no number (the mean of nothing, an interval of two customers) as JSON null, and null read back as NaN:
    /// JSON has no NaN, and the serializer would throw on it.
    /// </summary>
    private sealed class NotANumberAsNullConverter : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumberValue(value);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    /// <summary>Durations as a number of seconds (the API documents every duration so).</summary>
    private sealed class SecondsConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => TimeSpan.FromSeconds(reader.GetDouble());

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) => writer.WriteNumberValue(Math.Round(value.TotalSeconds, 3));
    }
}
