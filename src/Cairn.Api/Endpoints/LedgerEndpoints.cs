using Cairn.ApiModels;
using Cairn.Market;
using Cairn.Multiformats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cairn.Api.Endpoints;

/// <summary>
/// <c>/api/v1/ledger/...</c>: views of <see cref="ILedger"/> (503 when the node has none), and the
/// door for transactions signed elsewhere (a provider's offer, a client's transfer or approval).
/// </summary>
internal static class LedgerEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var ledger = endpoints.MapGroup(ApiRoutes.V1 + "/ledger").WithTags("Ledger");
        ledger.MapGet("/head", (Delegate)HeadAsync).Produces<LedgerHeadView>().ProducesCairnProblem(StatusCodes.Status503ServiceUnavailable).WithSummary("The newest block");
        ledger.MapGet("/balance/{did}", BalanceAsync).Produces<BalanceView>().WithSummary("An account's balance and next nonce");
        ledger.MapGet("/history/{did}", HistoryAsync).Produces<ListResponse<LedgerEventView>>().WithSummary("The transactions touching an account");
        ledger.MapGet("/deals/{id}", DealAsync).Produces<DealView>().ProducesCairnProblem(StatusCodes.Status404NotFound).WithSummary("A deal");
        ledger.MapGet("/offers", (Delegate)OffersAsync).Produces<ListResponse<Offer>>().WithSummary("The providers' offers");
        ledger.MapPost("/transactions", (Delegate)SubmitAsync)
            .Accepts<byte[]>(DagCborType)
            .Produces<TxReceiptView>()
            .ProducesCairnProblem(StatusCodes.Status400BadRequest)
            .ProducesCairnProblem(StatusCodes.Status409Conflict)
            .WithSummary("Submit a signed transaction (its DAG-CBOR bytes); answers once its block is durable");
        ledger.MapGet("/tx/{cid}", TransactionAsync).Produces<TransactionView>().ProducesCairnProblem(StatusCodes.Status404NotFound).WithSummary("A transaction's signed DAG-CBOR bytes");
    }

    private const string DagCborType = "application/vnd.ipld.dag-cbor";

    private static ILedger Ledger(HttpContext context) => ApiServices.Require<ILedger>(context, "ledger");

    private static async Task<IResult> HeadAsync(HttpContext context)
    {
        var ledger = Ledger(context);
        var head = await ledger.GetHeadAsync(context.RequestAborted);
        return Results.Json(
            new LedgerHeadView { Chain = ledger.Chain.ToString(), Height = head.Height, Block = head.Block.ToString(), StateRoot = Convert.ToHexStringLower(head.StateRoot.Span), Time = head.Time },
            ApiJsonContext.Default.LedgerHeadView);
    }

    private static async Task<IResult> BalanceAsync(HttpContext context, string did)
    {
        var account = CheckDid(did);
        var ledger = Ledger(context);
        var balance = await ledger.GetBalanceAsync(account, context.RequestAborted);
        var nonce = await ledger.GetNextNonceAsync(account, context.RequestAborted);
        return Results.Json(new BalanceView { Account = account, Balance = balance, NextNonce = nonce }, ApiJsonContext.Default.BalanceView);
    }

    private static async Task<IResult> HistoryAsync(HttpContext context, string did)
    {
        var account = CheckDid(did);
        var items = new List<LedgerEventView>();
        await foreach (var e in Ledger(context).HistoryAsync(account, context.RequestAborted))
        {
            items.Add(new LedgerEventView { Height = e.Height, Index = e.Index, Block = e.Block.ToString(), Tx = e.Tx.ToString(), Type = e.Type, From = e.From, Time = e.Time });
        }

        return Results.Json(new ListResponse<LedgerEventView> { Items = items }, ApiJsonContext.Default.ListResponseLedgerEventView);
    }

    private static async Task<IResult> DealAsync(HttpContext context, string id)
    {
        var deal = await Ledger(context).GetDealAsync(id, context.RequestAborted)
            ?? throw new CairnException(ErrorCode.NotFound, $"Deal {id} does not exist on the ledger.") { Hint = "A job's deals are listed by `cairn job describe ID`." };
        return Results.Json(DealView.From(deal), ApiJsonContext.Default.DealView);
    }

    private static async Task<IResult> OffersAsync(HttpContext context)
    {
        var items = new List<Offer>();
        await foreach (var offer in Ledger(context).ListOffersAsync(context.RequestAborted))
        {
            items.Add(offer);
        }

        return Results.Json(new ListResponse<Offer> { Items = items }, ApiJsonContext.Default.ListResponseOffer);
    }

    private static async Task<IResult> TransactionAsync(HttpContext context, string cid)
    {
        var id = ContentEndpoints.ParseCid(cid);
        var bytes = await Ledger(context).GetTransactionBytesAsync(id, context.RequestAborted)
            ?? throw new CairnException(ErrorCode.NotFound, $"Transaction {id} is not on the ledger.");
        return Results.Json(new TransactionView { Cid = id.ToString(), Data = bytes }, ApiJsonContext.Default.TransactionView);
    }

    private static async Task<IResult> SubmitAsync(HttpContext context)
    {
        var ledger = Ledger(context);
        if (context.Request.ContentType is { } type && !type.StartsWith(DagCborType, StringComparison.OrdinalIgnoreCase) && !type.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            throw new CairnException(ErrorCode.InvalidInput, $"The request body is {type}, not a DAG-CBOR transaction.") { Hint = $"Send the signed transaction's bytes with Content-Type: {DagCborType}." };
        }

        // A transaction is small (the ledger refuses more than 64 KiB): read at most one byte past that.
        const int Limit = 64 * 1024;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > Limit)
            {
                throw new CairnException(ErrorCode.InvalidInput, $"The transaction is larger than {Limit} bytes.");
            }
        }

        if (buffer.Length == 0)
        {
            throw new CairnException(ErrorCode.InvalidInput, "The request body is empty: a signed DAG-CBOR transaction was expected.") { Hint = "`cairn ledger transfer` builds, signs and sends one." };
        }

        var receipt = await ledger.SubmitEncodedAsync(buffer.ToArray(), context.RequestAborted);
        return Results.Json(new TxReceiptView { Tx = receipt.TxId.ToString(), Height = receipt.Height, Block = receipt.Block.ToString() }, ApiJsonContext.Default.TxReceiptView);
    }

    private static string CheckDid(string did) =>
        did.StartsWith("did:key:z", StringComparison.Ordinal) && did.Length > 10
            ? did
            : throw new CairnException(ErrorCode.InvalidArgument, $"'{did}' is not a did:key account.") { Hint = "An account looks like did:key:zDn...; `cairn account show` prints yours." };
}
