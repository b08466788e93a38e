using System.Text.Json;
using CollectionsFx.Contracts;

namespace CollectionsFx.Api.Http;

/// <summary>The JSON of the read API (<see cref="ApiJsonOptions"/>, shared with the web app).</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = ApiJsonOptions.Value;
}
