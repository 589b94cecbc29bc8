namespace Cairn.Jobs.Compute;

/// <summary>One provider record: a node holds the whole DAG under <see cref="Cid"/>.</summary>
/// <param name="Cid">The root CID (its canonical string form).</param>
/// <param name="Bytes">Bytes of the DAG's blocks.</param>
public sealed record ProvidedRoot(string Cid, long Bytes);
