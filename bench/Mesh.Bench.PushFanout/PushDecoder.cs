using System.Buffers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Contracts.V1;

namespace Mesh.Bench.PushFanout;

/// <summary>What the driver needs from one <c>ControlMessage</c>.</summary>
/// <param name="IsSnapshot">False for a ping or a workload certificate.</param>
/// <param name="Revision">The snapshot's revision.</param>
/// <param name="Nonce">The snapshot's nonce, to ack.</param>
/// <param name="Hash">The snapshot's content hash.</param>
/// <param name="Endpoints">Endpoints over all services.</param>
/// <param name="Bytes">Size of the message on the wire (without gRPC framing).</param>
internal sealed record PushView(bool IsSnapshot, long Revision, string Nonce, string Hash, int Endpoints, long Bytes)
{
    /// <summary>A workload certificate (the console's answer to the Hello's CSR).</summary>
    public bool IsCertificate { get; init; }

    public static PushView Ping(long bytes) => new(false, 0, "", "", 0, bytes);

    public static PushView Certificate(long bytes) => new(false, 0, "", "", 0, bytes) { IsCertificate = true };
}

/// <summary>
/// The driver's view of the control plane's <c>Connect</c> call. Thousands of simulated sidecars
/// share this process's cores with the console, so by default a snapshot is not parsed whole: the
/// decoder reads the revision, nonce and hash and walks the services only to count endpoints,
/// skipping every other byte. <c>--full-parse</c> uses the generated parser instead, as a real
/// sidecar does.
/// </summary>
internal static class PushDecoder
{
    public static Method<SidecarMessage, PushView> ConnectMethod(bool fullParse) => new(
        MethodType.DuplexStreaming,
        "mesh.v1.ControlPlane",
        "Connect",
        Marshallers.Create<SidecarMessage>(
            (SidecarMessage message, SerializationContext context) => context.Complete(message.ToByteArray()),
            (DeserializationContext context) => SidecarMessage.Parser.ParseFrom(context.PayloadAsReadOnlySequence())),
        Marshallers.Create<PushView>(
            (PushView _, SerializationContext _) => throw new NotSupportedException("the driver never sends a ControlMessage"),
            (DeserializationContext context) => fullParse ? Parse(context.PayloadAsReadOnlySequence()) : Decode(context.PayloadAsReadOnlySequence())));

    public static PushView Parse(ReadOnlySequence<byte> payload)
    {
        var message = ControlMessage.Parser.ParseFrom(payload);
        if (message.KindCase == ControlMessage.KindOneofCase.Certificate)
            return PushView.Certificate(payload.Length);
        if (message.KindCase != ControlMessage.KindOneofCase.Snapshot)
            return PushView.Ping(payload.Length);
        var snapshot = message.Snapshot;
        return new PushView(true, snapshot.Revision, snapshot.Nonce, snapshot.Hash, snapshot.Services.Sum(s => s.Endpoints.Count), payload.Length);
    }

    public static PushView Decode(ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        while (!reader.End)
        {
            var (field, wire) = Tag(ref reader);
            if (field == 1 && wire == 2)
            {
                var length = checked((long)Varint(ref reader));
                var snapshot = payload.Slice(reader.Position, length);
                return DecodeSnapshot(snapshot, payload.Length);
            }

            if (field == 3 && wire == 2)
                return PushView.Certificate(payload.Length);

            Skip(ref reader, wire);
        }

        return PushView.Ping(payload.Length);
    }

    private static PushView DecodeSnapshot(ReadOnlySequence<byte> snapshot, long bytes)
    {
        var reader = new SequenceReader<byte>(snapshot);
        long revision = 0;
        string nonce = "", hash = "";
        var endpoints = 0;
        while (!reader.End)
        {
            var (field, wire) = Tag(ref reader);
            switch (field, wire)
            {
                case (1, 0):
                    revision = unchecked((long)Varint(ref reader));
                    break;
                case (2, 2):
                    nonce = Text(ref reader);
                    break;
                case (3, 2):
                    hash = Text(ref reader);
                    break;
                case (4, 2):
                    endpoints += CountEndpoints(ref reader);
                    break;
                default:
                    Skip(ref reader, wire);
                    break;
            }
        }

        return new PushView(true, revision, nonce, hash, endpoints, bytes);
    }

    /// <summary>Reads one ServiceConfig and counts its endpoints (field 5).</summary>
    private static int CountEndpoints(ref SequenceReader<byte> reader)
    {
        var end = reader.Consumed + checked((long)Varint(ref reader));
        var count = 0;
        while (reader.Consumed < end)
        {
            var (field, wire) = Tag(ref reader);
            if (field == 5 && wire == 2)
                count++;
            Skip(ref reader, wire);
        }

        return count;
    }

    private static (ulong Field, ulong Wire) Tag(ref SequenceReader<byte> reader)
    {
        var tag = Varint(ref reader);
        return (tag >> 3, tag & 7);
    }

    private static ulong Varint(ref SequenceReader<byte> reader)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (!reader.TryRead(out var b))
                throw new InvalidDataException("truncated varint");
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return value;
        }

        throw new InvalidDataException("varint longer than 10 bytes");
    }

    private static string Text(ref SequenceReader<byte> reader)
    {
        var length = checked((long)Varint(ref reader));
        var text = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, length));
        reader.Advance(length);
        return text;
    }

    private static void Skip(ref SequenceReader<byte> reader, ulong wire)
    {
        switch (wire)
        {
            case 0:
                Varint(ref reader);
                break;
            case 1:
                reader.Advance(8);
                break;
            case 2:
                reader.Advance(checked((long)Varint(ref reader)));
                break;
            case 5:
                reader.Advance(4);
                break;
            default:
                throw new InvalidDataException($"unsupported wire type {wire}");
        }
    }
}
