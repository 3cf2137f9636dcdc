using System.Globalization;
using AnimeProgress.Core.Queue;
using AnimeProgress.Web.Audit;

namespace AnimeProgress.Web.Queue;

/// <summary>
/// The dispatcher's own actions on jobs, in the audit log beside the operators' (actor "system"), so the job that ran
/// twice after an outage is found where people look for who did what, not only in the service log.
/// </summary>
internal sealed class AuditedDispatchIncidents(AuditLog audit) : IDispatchIncidents
{
    public ValueTask RecordAsync(DispatchIncident incident)
    {
        var (action, outcome) = incident.Kind switch
        {
            DispatchIncidentKind.Reclaimed => (AuditActions.JobReclaim, AuditOutcomes.Ok),
            DispatchIncidentKind.Returned => (AuditActions.JobReturn, AuditOutcomes.Ok),
            _ => (AuditActions.JobRanTwice, AuditOutcomes.Failed),
        };
        return audit.WriteAsync(new AuditEntry(
            AuditActor.System, action, outcome, incident.JobId.ToString(CultureInfo.InvariantCulture), incident.Detail));
    }
}
