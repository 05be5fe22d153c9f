using System.Net;
using System.Net.Sockets;

namespace ShuffleNet.Distributed;

/// <summary>
/// torchrun's store in miniature: rank 0 listens on <c>MASTER_ADDR:MASTER_PORT</c> and sends a small blob (NCCL's
/// unique id) to each of the other <c>WORLD_SIZE - 1</c> ranks, which connect (retrying while rank 0 starts) and read
/// it.
/// </summary>
public static class TcpRendezvous
{
    /// <summary>On rank 0 sends <paramref name="blob"/> and returns it; elsewhere returns what rank 0 sent.</summary>
    /// <exception cref="DistributedException">No exchange within <paramref name="timeout"/>.</exception>
    public static byte[] Share(LaunchEnvironment launch, byte[]? blob, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return launch.Rank == 0 ? Serve(launch, blob!, cts.Token).GetAwaiter().GetResult() : Fetch(launch,
                cts.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            throw new DistributedException($"rank {launch.Rank}: no rendezvous at " +
                $"{launch.MasterAddr}:{launch.MasterPort} within {timeout.TotalSeconds:F0} s; " +
                                           "are all WORLD_SIZE ranks started with the same MASTER_ADDR and " +
                                               "MASTER_PORT?");
        }
    }

    private static async Task<byte[]> Serve(LaunchEnvironment launch, byte[] blob, CancellationToken cancel)
    {
        var listener = new TcpListener(IPAddress.Any, launch.MasterPort);
        listener.Start();
        try
        {
            for (int served = 1; served < launch.WorldSize; served++)
            {
                using var client = await listener.AcceptTcpClientAsync(cancel);
                var stream = client.GetStream();
                await stream.WriteAsync(BitConverter.GetBytes(blob.Length), cancel);
                await stream.WriteAsync(blob, cancel);
            }
            return blob;
        }
        finally { listener.Stop(); }
    }

    private static async Task<byte[]> Fetch(LaunchEnvironment launch, CancellationToken cancel)
    {
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(launch.MasterAddr, launch.MasterPort, cancel);
                var stream = client.GetStream();
                var length = new byte[4];
                await stream.ReadExactlyAsync(length, cancel);
                var blob = new byte[BitConverter.ToInt32(length)];
                await stream.ReadExactlyAsync(blob, cancel);
                return blob;
            }
            catch (SocketException)
            {
                await Task.Delay(200, cancel);   // rank 0 is not listening yet
            }
        }
    }
}
