#!/usr/bin/python3
"""Precision, recall, F1, support and the confusion matrix computed by scikit-learn (Debian's python3-sklearn:
`apt-get install -y python3-sklearn`), the independent reference for ShuffleNet.Evaluation.SingleLabelMetric.
Usage: make_metrics_fixture.py [OUT]   (default tests/ShuffleNet.Tests/Fixtures/metrics_sklearn.json)

Cases: a hand-written 4-class one (mmpretrain's docstring example), a seeded 10-class one with a class that has no
images and a class never predicted (the zero-division paths), and a seeded 50-class one with skewed supports.
sklearn is called with labels=range(K) so classes without images count in the macro mean, and zero_division=0,
which is mmpretrain's clamp(min=1) on the denominators."""
import json, sys
import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
import sklearn

out = sys.argv[1] if len(sys.argv) > 1 else 'tests/ShuffleNet.Tests/Fixtures/metrics_sklearn.json'


def case(name, k, y_true, y_pred):
    labels = list(range(k))
    per = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None, zero_division=0)
    res = {'name': name, 'num_classes': k, 'y_true': [int(v) for v in y_true], 'y_pred': [int(v) for v in y_pred],
           'per_class': {'precision': (100 * per[0]).tolist(), 'recall': (100 * per[1]).tolist(),
                         'f1': (100 * per[2]).tolist(), 'support': per[3].tolist()},
           'confusion_matrix': confusion_matrix(y_true, y_pred, labels=labels).tolist()}
    for avg in ('macro', 'micro'):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg, zero_division=0)
        res[avg] = {'precision': 100 * p, 'recall': 100 * r, 'f1': 100 * f}
    return res


rng = np.random.default_rng(20)
cases = [case('mmpretrain docstring', 4, [0, 2, 1, 3], [0, 1, 1, 3])]
# 10 classes: class 7 has no images, class 3 is never predicted; about 70% right
t = rng.choice([c for c in range(10) if c != 7], size=300)
p = np.where(rng.random(300) < 0.7, t, rng.integers(0, 10, size=300))
p[p == 3] = 4
cases.append(case('10 classes, an empty class and an unpredicted one', 10, t, p))
# 50 classes, supports skewed (geometric), predictions biased toward low labels
t = np.minimum(rng.geometric(0.08, size=2000) - 1, 49)
p = np.where(rng.random(2000) < 0.55, t, np.minimum(rng.geometric(0.15, size=2000) - 1, 49))
cases.append(case('50 classes, skewed', 50, t, p))
with open(out, 'w') as f:
    json.dump({'sklearn': sklearn.__version__, 'cases': cases}, f)
    f.write('\n')
print('wrote', out, [c['name'] for c in cases])
