namespace AnimeProgress.Web.Api.Rest;

/// <summary>Paging of GET /api/jobs: <c>page</c>/<c>pageSize</c> (1-based) or <c>offset</c>/<c>limit</c>, not both.</summary>
public readonly record struct Paging(int Offset, int Limit)
{
    public int Page => Offset / Limit + 1;

    public static (Paging? Paging, Dictionary<string, string[]> Errors) Parse(int? page, int? pageSize, int? offset, int? limit, int defaultSize, int maxSize)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if ((page is not null || pageSize is not null) && (offset is not null || limit is not null))
        {
            errors["paging"] = ["Use page/pageSize or offset/limit, not both."];
            return (null, errors);
        }

        var size = pageSize ?? limit ?? defaultSize;
        if (size < 1 || size > maxSize)
        {
            errors[pageSize is not null ? "pageSize" : "limit"] = [$"Must be between 1 and {maxSize}."];
        }

        if (page is < 1)
        {
            errors["page"] = ["Pages start at 1."];
        }

        if (offset is < 0)
        {
            errors["offset"] = ["Must not be negative."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var start = page is { } p ? (long)(p - 1) * size : offset ?? 0;
        return (new Paging((int)Math.Min(start, int.MaxValue), size), errors);
    }
}
