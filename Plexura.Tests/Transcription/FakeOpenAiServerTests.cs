using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Plexura.Tests.Fakes;
using Plexura.Tests.Support;

namespace Plexura.Tests.Transcription;

/// <summary>The fake OpenAI server's own checks: it decodes and measures what it receives and refuses what is not speech.</summary>
public sealed class FakeOpenAiServerTests : IAsyncLifetime
{
    private FakeOpenAiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Speech_is_decoded_measured_and_answered()
    {
        var wav = await TestAudio.SpeechWavAsync("Hello from the fake server test.");
        using var response = await PostAsync(wav, "verbose_json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("segment-0", body.RootElement.GetProperty("text").GetString());
        var received = Assert.Single(_server.Requests);
        Assert.True(received.Decoded);
        Assert.False(received.IsSilent);
        Assert.InRange(received.RmsDbfs, -40, 0);
        Assert.Equal(wav.Length - 44, received.Pcm.Length);
        Assert.Equal(TestAudio.DurationOf(wav), received.Duration);
        Assert.Equal(64, received.Sha256.Length);
    }

    [Fact]
    public async Task Silence_is_refused_and_flagged()
    {
        using var response = await PostAsync(TestAudio.SilenceWav(TimeSpan.FromSeconds(3)), "json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var received = Assert.Single(_server.Requests);
        Assert.True(received.IsSilent);
        Assert.Equal(400, received.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), received.Duration);
    }

    [Fact]
    public async Task Garbage_bytes_are_refused_as_undecodable()
    {
        using var response = await PostAsync([.. Enumerable.Range(0, 4000).Select(i => (byte)(i * 7))], "json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(Assert.Single(_server.Requests).Decoded);
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] file, string format)
    {
        using var form = new MultipartFormDataContent();
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(content, "file", "segment.wav");
        form.Add(new StringContent("whisper-1"), "model");
        form.Add(new StringContent(format), "response_format");
        using var http = new HttpClient();
        return await http.PostAsync(new Uri(_server.Endpoint, "v1/audio/transcriptions"), form);
    }
}
