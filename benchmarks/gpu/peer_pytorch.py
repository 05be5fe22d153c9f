"""PyTorch's own figures on the GPU machine, the peer for TrainBench and `shufflenet benchmark --device cuda` (issue 22).
torchvision's shufflenet_v2_x1_0; the same step as TrainBench: forward, cross-entropy, loss.item(), zero_grad, backward,
SGD (momentum 0.9, wd 4e-5 except BatchNorm) on a fixed random batch. Inference as our benchmark runs it: a host batch
copied to the GPU, eval forward under no_grad, logits copied back.
Usage: python3 peer_pytorch.py train|infer|fashion BATCH STEPS WARMUP [fp32|bf16-cl]"""
import sys, time, torch, torchvision

mode, B, N, W = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
prec = sys.argv[5] if len(sys.argv) > 5 else 'fp32'
torch.manual_seed(0)
dev = torch.device('cuda')
torch.backends.cudnn.benchmark = False   # TorchSharp leaves cuDNN's autotuner off too
m = torchvision.models.shufflenet_v2_x1_0(num_classes=10 if mode == 'fashion' else 1000)
if mode == 'fashion':   # the full Fashion-MNIST config's net: 1-channel stride-1 stem, no max-pool
    m.conv1[0] = torch.nn.Conv2d(1, 24, 3, 1, 1, bias=False)
    m.maxpool = torch.nn.Identity()
m = m.to(dev)
cl = prec == 'bf16-cl'
if cl:
    m = m.to(memory_format=torch.channels_last)
side, ch = (28, 1) if mode == 'fashion' else (224, 3)
classes = 10 if mode == 'fashion' else 1000


def autocast():
    return torch.autocast('cuda', dtype=torch.bfloat16, enabled=cl)


if mode in ('train', 'fashion'):
    m.train()
    bn = [p for n, p in m.named_parameters() if p.dim() == 1 and not n.startswith('fc')]
    other = [p for n, p in m.named_parameters() if not (p.dim() == 1 and not n.startswith('fc'))]
    opt = torch.optim.SGD([{'params': other, 'weight_decay': 4e-5}, {'params': bn, 'weight_decay': 0}], lr=0.01,
                          momentum=0.9)
    x = torch.randn(B, ch, side, side, device=dev)
    if cl:
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, classes, (B,), device=dev)

    def step():
        with autocast():
            loss = torch.nn.functional.cross_entropy(m(x), y)
        loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
else:
    m.eval()
    host = torch.randn(B, 3, 224, 224)

    def step():
        with torch.no_grad(), autocast():
            x = host.to(dev)
            if cl:
                x = x.contiguous(memory_format=torch.channels_last)
            m(x).float().cpu()

for _ in range(W):
    step()
torch.cuda.synchronize()
times = []
for _ in range(N):
    t = time.perf_counter()
    step()
    torch.cuda.synchronize()
    times.append(time.perf_counter() - t)
times.sort()
print(f"pytorch {torch.__version__} {mode} {prec} batch {B}, {N} steps: median {B / times[N // 2]:.1f} img/s "
      f"({times[N // 2] * 1000:.2f} ms), best {B / times[0]:.1f} img/s, mean {B * N / sum(times):.1f} img/s")
