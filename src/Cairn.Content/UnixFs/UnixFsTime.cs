namespace Cairn.Content.UnixFs;

/// <summary>A UnixFS modification time (<c>UnixTime</c> message).</summary>
/// <param name="Seconds">Seconds since the Unix epoch.</param>
/// <param name="Nanoseconds">Fractional nanoseconds, or null when absent.</param>
public sealed record UnixFsTime(long Seconds, uint? Nanoseconds);
