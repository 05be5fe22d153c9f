"""Training throughput of torchvision's ShuffleNet V2 1.0x in PyTorch (Debian's 1.13), the peer for TrainBench.
One step = forward, cross-entropy, zero_grad, backward, SGD(momentum 0.9, wd 4e-5 except BN) on a fixed random batch.
Usage: /usr/bin/python3 train_step_pytorch.py [batch=32] [steps=20] [warmup=3]"""
import sys, time, torch, torchvision
B = int(sys.argv[1]) if len(sys.argv) > 1 else 32
N = int(sys.argv[2]) if len(sys.argv) > 2 else 20
W = int(sys.argv[3]) if len(sys.argv) > 3 else 3
torch.set_num_threads(2); torch.manual_seed(0)
m = torchvision.models.shufflenet_v2_x1_0(num_classes=1000).train()
bn = [p for n, p in m.named_parameters() if p.dim() == 1 and not n.startswith('fc')]
other = [p for n, p in m.named_parameters() if not (p.dim() == 1 and not n.startswith('fc'))]
opt = torch.optim.SGD([{'params': other, 'weight_decay': 4e-5}, {'params': bn, 'weight_decay': 0}], lr=0.01, momentum=0.9)
x = torch.randn(B, 3, 224, 224); y = torch.randint(0, 1000, (B,))
def step():
    opt.zero_grad(); loss = torch.nn.functional.cross_entropy(m(x), y); loss.backward(); opt.step(); return loss.item()
for _ in range(W): step()
times = []
for _ in range(N):
    t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
times.sort()
print(f"pytorch {torch.__version__}: batch {B}, {N} steps: median {B / times[N // 2]:.1f} img/s, best {B / times[0]:.1f} img/s, mean {B * N / sum(times):.1f} img/s")
