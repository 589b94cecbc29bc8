using System.Text.Json;
using Cairn.Ledger.Identity;

namespace Cairn.Network.Admission;

/// <summary>
/// The orchestrator's admission of compute nodes by DID under an <see cref="AdmissionPolicy"/>. An
/// operator's approvals and rejections are kept in a small JSON file (when a path is given) so they
/// survive a restart; pending requests live in memory (the node asks again on its next dial).
/// </summary>
public sealed class NodeAdmission
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _allowed;
    private readonly HashSet<string> _approved = new(StringComparer.Ordinal);
    private readonly HashSet<string> _rejected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingNode> _pending = new(StringComparer.Ordinal);
    private readonly string? _path;
    private readonly TimeProvider _time;

    /// <summary>Creates the admission.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="allowList">The DIDs always admitted (with <see cref="AdmissionPolicy.AllowList"/> the only ones, besides approvals).</param>
    /// <param name="decisionsPath">Where approvals and rejections are kept; null: in memory only.</param>
    /// <param name="timeProvider">The clock.</param>
    public NodeAdmission(AdmissionPolicy policy, IEnumerable<string>? allowList = null, string? decisionsPath = null, TimeProvider? timeProvider = null)
    {
        Policy = policy;
        _allowed = new HashSet<string>(allowList ?? [], StringComparer.Ordinal);
        foreach (var did in _allowed)
        {
            if (!DidKey.TryParse(did, out _))
            {
                throw new CairnException(ErrorCode.InvalidArgument, $"The allow-list entry '{did}' is not a did:key.");
            }
        }

        _path = decisionsPath;
        _time = timeProvider ?? TimeProvider.System;
        Load();
    }

    /// <summary>The policy.</summary>
    public AdmissionPolicy Policy { get; }

    /// <summary>The nodes waiting for a decision, oldest first.</summary>
    public IReadOnlyList<PendingNode> Pending
    {
        get
        {
            lock (_lock)
            {
                return [.. _pending.Values.OrderBy(p => p.FirstSeen)];
            }
        }
    }

    /// <summary>Decides about a node whose signed hello was verified; an undecided node under the manual policy becomes pending.</summary>
    public AdmissionStatus Decide(string did, string? gatewayUrl)
    {
        lock (_lock)
        {
            if (_rejected.Contains(did))
            {
                return AdmissionStatus.Rejected;
            }

            if (_approved.Contains(did) || _allowed.Contains(did) || Policy == AdmissionPolicy.Open)
            {
                return AdmissionStatus.Admitted;
            }

            if (Policy == AdmissionPolicy.AllowList)
            {
                return AdmissionStatus.Rejected;
            }

            var now = _time.GetUtcNow();
            _pending[did] = _pending.TryGetValue(did, out var seen) ? seen with { LastSeen = now, GatewayUrl = gatewayUrl } : new PendingNode(did, now, now, gatewayUrl);
            return AdmissionStatus.Pending;
        }
    }

    /// <summary>Approves a node (it joins on its next dial).</summary>
    public void Approve(string did) => Record(did, approve: true);

    /// <summary>Rejects a node (its next dial is refused; a connected node is not cut by this call).</summary>
    public void Reject(string did) => Record(did, approve: false);

    private void Record(string did, bool approve)
    {
        if (!DidKey.TryParse(did, out _))
        {
            throw new CairnException(ErrorCode.InvalidArgument, $"'{did}' is not a did:key.") { Hint = "`cairn node list` shows pending nodes' DIDs." };
        }

        lock (_lock)
        {
            (approve ? _approved : _rejected).Add(did);
            (approve ? _rejected : _approved).Remove(did);
            _pending.Remove(did);
            Save();
        }
    }

    private void Load()
    {
        if (_path is null || !File.Exists(_path))
        {
            return;
        }

        AdmissionDecisions? decisions;
        try
        {
            decisions = JsonSerializer.Deserialize(File.ReadAllText(_path), AdmissionJsonContext.Default.AdmissionDecisions);
        }
        catch (JsonException e)
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The admission decisions file {_path} does not read: {e.Message}") { Hint = "Fix or delete it (approvals are then asked again)." };
        }

        _approved.UnionWith(decisions?.Approved ?? []);
        _rejected.UnionWith(decisions?.Rejected ?? []);
    }

    private void Save()
    {
        if (_path is null)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        var temp = _path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new AdmissionDecisions([.. _approved.Order(StringComparer.Ordinal)], [.. _rejected.Order(StringComparer.Ordinal)]), AdmissionJsonContext.Default.AdmissionDecisions));
        File.Move(temp, _path, overwrite: true);
    }
}
