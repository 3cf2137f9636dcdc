using System.Globalization;
using System.Text.Json.Nodes;
using AnimeProgress.ComfyUiEmulator.Files;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace AnimeProgress.ComfyUiEmulator.Http;

/// <summary>
/// POST /upload/image (multipart: image, subfolder, type, overwrite), answered like ComfyUI's image_upload:
/// <c>{"name", "subfolder", "type"}</c>, 400 without a file or for a path outside the type's directory, 500 for an
/// unknown type (ComfyUI fails on an unbound variable there), and aiohttp's 413 once the body passes max_upload_size.
/// </summary>
internal static class UploadEndpoints
{
    /// <summary>Plain form fields are small; a bigger one is not a ComfyUI client.</summary>
    private const int MaxFieldBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder routes, EmulatorEngine engine)
    {
        routes.MapPost("/upload/image", context => UploadAsync(context, engine));
    }

    private static async Task UploadAsync(HttpContext context, EmulatorEngine engine)
    {
        // The emulator enforces max_upload_size itself, counting file bytes as aiohttp does; Kestrel's 30 MB default must not cut in first.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var maximum = engine.Options.MaxUploadSizeBytes;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        StagedUpload? image = null;
        string? imageName = null;
        var imageIsText = false;
        try
        {
            if (Boundary(context.Request.ContentType) is { } boundary)
            {
                var reader = new MultipartReader(boundary, context.Request.Body) { BodyLengthLimit = null };
                var read = 0L;
                while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition.Name.Value is not { } name)
                    {
                        continue;
                    }
                    name = HeaderUtilities.RemoveQuotes(name).Value ?? name;
                    var filename = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    if (!string.IsNullOrEmpty(filename))
                    {
                        StagedUpload staged;
                        try
                        {
                            staged = await engine.Uploads.StageAsync(section.Body, maximum - read, context.RequestAborted);
                        }
                        catch (UploadTooLargeException partial)
                        {
                            // aiohttp's counter runs over the whole form, so the answer names the total read so far.
                            throw new UploadTooLargeException(read + partial.ActualSize);
                        }
                        read += staged.Size;
                        // MultiDict.get returns the first "image"; later ones are read (and counted) but not kept.
                        if (name == "image" && image is null)
                        {
                            (image, imageName) = (staged, filename);
                        }
                        else
                        {
                            engine.Uploads.Discard(staged);
                        }
                    }
                    else
                    {
                        var value = await ReadFieldAsync(section.Body, context.RequestAborted);
                        read += value.Length;
                        if (read > maximum)
                        {
                            throw new UploadTooLargeException(read);
                        }
                        imageIsText |= name == "image" && value.Length > 0 && image is null;
                        fields.TryAdd(name, value);
                    }
                }
            }
        }
        catch (UploadTooLargeException tooLarge)
        {
            Discard(engine, image);
            await HttpJson.TextAsync(context, StatusCodes.Status413RequestEntityTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"Maximum request body size {maximum} exceeded, actual body size {tooLarge.ActualSize}"));
            return;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException && !context.RequestAborted.IsCancellationRequested)
        {
            // A malformed multipart body or a full store: aiohttp surfaces both as an unhandled error.
            Discard(engine, image);
            await HttpJson.InternalErrorAsync(context);
            return;
        }

        var type = fields.GetValueOrDefault("type") ?? ComfyPath.Input;
        if (!ComfyPath.IsType(type) || (imageIsText && image is null))
        {
            // ComfyUI: an unknown type leaves its directory unbound, and a text "image" field has no .file: both raise.
            Discard(engine, image);
            await HttpJson.InternalErrorAsync(context);
            return;
        }
        if (image is null || imageName is null)
        {
            await HttpJson.StatusAsync(context, StatusCodes.Status400BadRequest);
            return;
        }

        var subfolder = fields.GetValueOrDefault("subfolder") ?? "";
        var relative = imageName.StartsWith('/') || subfolder.Length == 0 ? imageName : subfolder + "/" + imageName;
        if (ComfyPath.Within(type, relative) is not { Length: > 0 } inside)
        {
            Discard(engine, image);
            await HttpJson.StatusAsync(context, StatusCodes.Status400BadRequest);
            return;
        }

        var slash = inside.LastIndexOf('/');
        var overwrite = fields.GetValueOrDefault("overwrite") is "true" or "1";
        var stored = await engine.Uploads.CommitAsync(image, type, slash < 0 ? "" : inside[..slash], inside[(slash + 1)..], overwrite, context.RequestAborted);
        // The name is answered as the client gave it (a renamed duplicate keeps the client's directory part).
        var given = imageName.LastIndexOf('/');
        var answered = given < 0 ? stored : imageName[..(given + 1)] + stored;
        await HttpJson.WriteAsync(context, new JsonObject { ["name"] = answered, ["subfolder"] = subfolder, ["type"] = type });
    }

    private static void Discard(EmulatorEngine engine, StagedUpload? staged)
    {
        if (staged is not null)
        {
            engine.Uploads.Discard(staged);
        }
    }

    /// <summary>The multipart boundary, or null for any other body (aiohttp's post() then finds no fields).</summary>
    private static string? Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        return string.IsNullOrEmpty(boundary) ? null : boundary;
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxFieldBytes)
            {
                throw new UploadTooLargeException(buffer.Length + read);
            }
            buffer.Write(chunk, 0, read);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
