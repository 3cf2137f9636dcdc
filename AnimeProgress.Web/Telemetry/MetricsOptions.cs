namespace AnimeProgress.Web.Telemetry;

/// <summary>Bound from <c>AnimeProgress:Metrics</c>: where the metrics (and, with OTLP, the traces) go.</summary>
public sealed class MetricsOptions
{
    public const string Section = "AnimeProgress:Metrics";

    /// <summary>False: no meters are read and nothing is exported (no /metrics, no OTLP).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Null: Prometheus scrapes <c>/metrics</c> on the app's own address (a key with scope <c>read</c> or an Admin).
    /// A port: <c>/metrics</c> is served there instead, to whoever reaches that port (keep it inside the monitoring network).
    /// </summary>
    public int? Port { get; set; }

    /// <summary>
    /// An OTLP collector (e.g. <c>http://otel-collector:4317</c>) that receives the metrics and the traces. Unset, the
    /// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> variable is used when present; with neither, nothing is pushed and
    /// no spans are recorded.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>How to speak to <see cref="OtlpEndpoint"/>: <c>Grpc</c> (port 4317, the default) or <c>HttpProtobuf</c> (port 4318).</summary>
    public OtlpProtocol OtlpProtocol { get; set; } = OtlpProtocol.Grpc;
}

public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}
