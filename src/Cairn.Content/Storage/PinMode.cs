namespace Cairn.Content.Storage;

/// <summary>How a pin protects content from garbage collection.</summary>
public enum PinMode
{
    /// <summary>The block and every block reachable from it.</summary>
    Recursive,

    /// <summary>The block alone.</summary>
    Direct,
}
