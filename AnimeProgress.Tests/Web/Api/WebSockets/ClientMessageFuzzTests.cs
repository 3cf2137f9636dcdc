using AnimeProgress.TestSupport.Fuzzing;
using AnimeProgress.Web.Api.WebSockets;
using CsCheck;

namespace AnimeProgress.Tests.Web.Api.WebSockets;

/// <summary>Whatever a browser or script sends on /ws, the reader answers with a request or an error, never an exception.</summary>
public sealed class ClientMessageFuzzTests
{
    [Fact]
    public void Generated_client_messages_give_a_request_or_an_error_never_an_exception()
    {
        var grammar = SmallJsonGrammar.ClientMessages();
        Gen.Int.Select(seed => grammar.Next(new Random(seed))).Sample(
            generated =>
            {
                var (request, error) = ClientMessageReader.Read(generated.Bytes);
                Assert.True((request is null) != (error is null), generated.Shape);
                Assert.True(error is null || error.Message.Length < 200, "an error echoes at most a capped type");
                if (generated.Shape == "valid")
                {
                    Assert.NotNull(request);
                }
            },
            iter: 3000,
            threads: 1);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x79, 0x70, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D })] // {"type":"\xC3"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x22, 0x3A, 0x31, 0x2C, 0x22, 0x74, 0x22, 0x3A, 0x32, 0x7D })] // {"t":1,"t":2}
    public void Invalid_utf8_and_duplicate_keys_are_invalid_json(byte[] message)
    {
        var (request, error) = ClientMessageReader.Read(message);
        Assert.Null(request);
        Assert.Equal("invalid_json", error!.Code);
    }
}
