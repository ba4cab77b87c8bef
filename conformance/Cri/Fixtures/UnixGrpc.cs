using System.Net.Sockets;
using Grpc.Net.Client;

namespace OciRuntime.Cri;

/// <summary>A gRPC channel to a unix socket, as kubelet dials unix:///run/containerd/containerd.sock.</summary>
public static class UnixGrpc
{
    public static GrpcChannel Channel(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(s, ownsSocket: true);
                }
                catch
                {
                    s.Dispose();
                    throw;
                }
            },
        };
        // The authority is never resolved: every connection goes through ConnectCallback (h2c).
        return GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 16 << 20,
        });
    }
}
