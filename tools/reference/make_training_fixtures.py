#!/usr/bin/python3
"""PyTorch 1.13 references for the fine-tuning toolkit (issue 21): AdamW and SGD (Nesterov) steps, clip_grad_norm_,
mmengine's ExponentialMovingAverage as EMAHook drives it, mmpretrain's Mixup/CutMix mixing and the soft-target loss.
Usage: /usr/bin/python3 tools/reference/make_training_fixtures.py tests/ShuffleNet.Tests/Fixtures  (Debian's python3-torch)
Writes training.json (read by OptimizerReferenceTests and BatchAugmentsTests). Every case uses float32 tensors made from
the listed numbers; mmengine and mmpretrain are not packaged in Debian, so their few lines are restated here from
mmengine 0.10 (model/averaged_model.py) and mmpretrain 1.2 (models/utils/batch_augments/{mixup,cutmix}.py)."""
import json, sys, torch

torch.manual_seed(0)
out = {}

def t(x):
    return x.detach().reshape(-1).tolist()

# two parameters, in two groups (decay 0.05 and 0); loss = sum(c * p * p) + sum(d * p): the gradient depends on p
p0 = torch.tensor([[0.5, -1.0, 2.0], [0.1, 0.0, -0.3]])
p1 = torch.tensor([0.7, -0.2])
c0 = torch.tensor([[1.0, 0.5, 2.0], [3.0, 1.0, 0.25]]); d0 = torch.tensor([[0.1, -0.2, 0.0], [0.3, 0.5, -1.0]])
c1 = torch.tensor([0.8, 1.5]); d1 = torch.tensor([-0.4, 0.2])
lrs = [0.1, 0.05, 0.02, 0.08, 0.01]

def run(make):
    a = p0.clone().requires_grad_(); b = p1.clone().requires_grad_()
    opt = make([{'params': [a], 'weight_decay': 0.05}, {'params': [b], 'weight_decay': 0.0}])
    steps = []
    for lr in lrs:
        for g in opt.param_groups: g['lr'] = lr
        opt.zero_grad()
        loss = (c0 * a * a).sum() + (d0 * a).sum() + (c1 * b * b).sum() + (d1 * b).sum()
        loss.backward()
        opt.step()
        steps.append({'p0': t(a), 'p1': t(b)})
    state = {k: t(v) if torch.is_tensor(v) else v for k, v in opt.state[a].items()}
    return {'steps': steps, 'state0': state}

out['shapes'] = {'p0': list(p0.shape), 'p1': list(p1.shape)}
out['init'] = {'p0': t(p0), 'p1': t(p1), 'c0': t(c0), 'd0': t(d0), 'c1': t(c1), 'd1': t(d1)}
out['lrs'] = lrs
out['adamw'] = run(lambda g: torch.optim.AdamW(g, lr=0.1, betas=(0.9, 0.99), eps=1e-6))
out['sgd_nesterov'] = run(lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.9, nesterov=True))
out['sgd'] = run(lambda g: torch.optim.SGD(g, lr=0.1, momentum=0.9))

# clip_grad_norm_ over two gradients
clips = []
for max_norm, norm_type in [(1.0, 2.0), (0.5, 1.0), (100.0, 2.0), (0.3, float('inf'))]:
    a = torch.zeros(2, 3, requires_grad=True); b = torch.zeros(2, requires_grad=True)
    a.grad = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]); b.grad = torch.tensor([0.25, -4.0])
    total = torch.nn.utils.clip_grad_norm_([a, b], max_norm, norm_type)
    clips.append({'max_norm': max_norm, 'norm_type': 'inf' if norm_type == float('inf') else norm_type,
                  'total': total.item(), 'g0': t(a.grad), 'g1': t(b.grad)})
out['clip'] = clips

# mmengine ExponentialMovingAverage.update_parameters: steps == 0 copies; then every interval-th step
# averaged.lerp_(source, momentum); steps += 1. EMAHook.after_train_iter: before begin_iter, a copy.
def ema(momentum, interval, begin_iter, iters=7):
    w = torch.tensor([1.0, -2.0, 0.5]); avg = torch.zeros(3); steps = 0; seq = []
    for it in range(iters):
        w = w * 0.9 + torch.tensor([0.3, 0.1, -0.2]) * (it + 1)   # stands in for the optimizer step
        if it + 1 < begin_iter:
            avg = w.clone()
        else:
            if steps == 0: avg = w.clone()
            elif steps % interval == 0: avg = avg.lerp(w, momentum)
            steps += 1
        seq.append({'w': t(w), 'avg': t(avg), 'steps': steps})
    return {'momentum': momentum, 'interval': interval, 'begin_iter': begin_iter, 'seq': seq}
out['ema'] = [ema(0.1, 1, 0), ema(0.25, 3, 0), ema(0.0002, 1, 4)]

# mmpretrain batch augments with the draws given: Mixup (lam, index) and CutMix (lam, index, box from rand_bbox with
# correct_lam); then LabelSmoothLoss(mode='original') on the mixed scores = cross_entropy with probability targets
x = torch.randn(4, 2, 5, 6); labels = torch.tensor([0, 2, 1, 2]); k = 3
scores = torch.nn.functional.one_hot(labels, k).float()
index = torch.tensor([2, 0, 3, 1]); lam = 0.7
mix_x = lam * x + (1 - lam) * x[index, :]; mix_y = lam * scores + (1 - lam) * scores[index, :]
import numpy as np
def rand_bbox(h, w, lam, cy, cx):
    cut_rat = np.sqrt(1. - lam); cut_h = int(h * cut_rat); cut_w = int(w * cut_rat)
    yl = np.clip(cy - cut_h // 2, 0, h); yh = np.clip(cy + cut_h // 2, 0, h)
    xl = np.clip(cx - cut_w // 2, 0, w); xh = np.clip(cx + cut_w // 2, 0, w)
    return int(yl), int(yh), int(xl), int(xh)
cut_lam, cy, cx = 0.55, 4, 1
y1, y2, x1, x2 = rand_bbox(5, 6, cut_lam, cy, cx)
corrected = 1 - (y2 - y1) * (x2 - x1) / float(5 * 6)
cut_x = x.clone(); cut_x[:, :, y1:y2, x1:x2] = x[index, :, y1:y2, x1:x2]
cut_y = corrected * scores + (1 - corrected) * scores[index, :]
logits = torch.randn(4, k, requires_grad=True)
losses = {}
for eps in [0.0, 0.1]:
    smooth = mix_y * (1 - eps) + eps / k
    loss = -(smooth * torch.log_softmax(logits, 1)).sum(1).mean()
    check = torch.nn.functional.cross_entropy(logits, mix_y, label_smoothing=eps)
    assert abs(loss.item() - check.item()) < 1e-6
    grad, = torch.autograd.grad(loss, logits)
    losses[str(eps)] = {'loss': loss.item(), 'grad': t(grad)}
out['batch_augments'] = {
    'x_shape': list(x.shape), 'x': t(x), 'labels': labels.tolist(), 'num_classes': k, 'index': index.tolist(),
    'mixup': {'lam': lam, 'x': t(mix_x), 'y': t(mix_y)},
    'cutmix': {'lam': cut_lam, 'cy': cy, 'cx': cx, 'box': [y1, y2, x1, x2], 'corrected_lam': corrected,
               'x': t(cut_x), 'y': t(cut_y)},
    'logits': t(logits), 'soft_ce': losses,
}
with open(f'{sys.argv[1]}/training.json', 'w') as f:
    json.dump(out, f, separators=(',', ':'))
