namespace Cairn.Cli;

/// <summary>Exit codes per DESIGN.md: 0 ok, 1 error, 2 usage/validation, 10–19 service errors, 20–29 job outcomes.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Error = 1;
    public const int Usage = 2;
    public const int ServiceUnavailable = 10;
    public const int ServiceTimeout = 11;

    public static int For(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument or ErrorCode.InvalidInput => Usage,
        ErrorCode.ServiceUnavailable => ServiceUnavailable,
        ErrorCode.Timeout => ServiceTimeout,
        _ => Error,
    };
}
