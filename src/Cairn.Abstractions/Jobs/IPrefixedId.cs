namespace Cairn.Jobs;

/// <summary>An identifier written as a fixed prefix and a lowercase UUID (<c>j-6f1c...</c>).</summary>
/// <typeparam name="TSelf">The identifier type.</typeparam>
public interface IPrefixedId<TSelf>
    where TSelf : struct, IPrefixedId<TSelf>
{
    /// <summary>The full text of the identifier.</summary>
    string Value { get; }

    /// <summary>Parses the text form, throwing <see cref="CairnException"/> when malformed.</summary>
    static abstract TSelf Parse(string text);
}
