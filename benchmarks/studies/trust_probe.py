# ruff: noqa  -- a one-off study kept as a record (not part of the harness)
"""Probe of user-facing trust cases: one line per case, each run in a fresh process.

Run from the repository root: ``python -m benchmarks.studies.trust_probe``. To see an
older commit, run it with that commit's checkout first on ``PYTHONPATH``. Each case is
killed after 60 s (printed as HANG).
"""
import subprocess, sys, textwrap
CASES = {
 "1 routing on, no metadata": """
import sklearn; from sklearn.datasets import make_multilabel_classification as m
from sklearn.multiclass import OneVsRestClassifier as O; from sklearn.linear_model import LogisticRegression as L
from skthresh import ThresholdOptimizedClassifier as T
sklearn.set_config(enable_metadata_routing=True); X,Y=m(n_samples=90,n_classes=3,random_state=0)
T(O(L()),cv=3).fit(X,Y); print("returns")""",
 "2 groups with default cv": """
import numpy as np, warnings; from sklearn.datasets import make_multilabel_classification as m
from sklearn.multiclass import OneVsRestClassifier as O; from sklearn.linear_model import LogisticRegression as L
import skthresh._split as S; from skthresh import ThresholdOptimizedClassifier as T
X,Y=m(n_samples=120,n_classes=3,random_state=0); g=np.repeat(np.arange(20),6); seen=[]
cls=getattr(S,'MultilabelStratifiedGroupKFold',S.MultilabelStratifiedKFold); orig=cls.split
def split(self,X,y=None,groups=None):
    for tr,te in orig(self,X,y,groups): seen.append(len(set(g[tr])&set(g[te]))); yield tr,te
cls.split=split; T(O(L()),cv=3).fit(X,Y,groups=g); print("groups on both sides per fold:",seen)""",
 "3 scoring=None + instance f1_macro": """
from sklearn.datasets import make_multilabel_classification as m
from sklearn.multiclass import OneVsRestClassifier as O; from sklearn.linear_model import LogisticRegression as L
from skthresh import ThresholdOptimizedClassifier as T, CoordinateThresholdOptimizer as C
X,Y=m(n_samples=90,n_classes=3,random_state=0); print("tuned for", T(O(L()),optimizer=C(scoring="f1_macro"),cv=3).fit(X,Y).optimizer_.scoring)""",
 "4 fit then partial_fit": """
import numpy as np, warnings; from skthresh import CoordinateThresholdOptimizer as C
r=np.random.default_rng(0); y=(r.random((200,3))<.3).astype(int); s=r.random((200,3))+y
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always"); C().fit(s[:100],y[:100]).partial_fit(s[100:],y[100:])
print([str(x.message)[:90] for x in w] or "silent")""",
 "5 set_params(optimizer__n_bins=32)": """
from sklearn.linear_model import LogisticRegression as L; from skthresh import ThresholdOptimizedClassifier as T
print(T(L()).set_params(optimizer__n_bins=32).optimizer)""",
 "6 DataFrame fit, array predict": """
import numpy as np, pandas as pd, warnings; from skthresh import CoordinateThresholdOptimizer as C
r=np.random.default_rng(0); y=(r.random((60,3))<.4).astype(int); s=r.random((60,3))+y
o=C().fit(pd.DataFrame(s,columns=list("abc")),y)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always"); o.predict(s)
print([str(x.message)[:90] for x in w] or "silent")""",
 "7 scalar sample_weight": """
import numpy as np; from skthresh import CoordinateThresholdOptimizer as C
r=np.random.default_rng(0); y=(r.random((60,3))<.4).astype(int); s=r.random((60,3))+y
print(C().fit(s,y,sample_weight=2.0).thresholds_.round(3))""",
 "8 f1_score with strings": """
from skthresh.metrics import f1_score; f1_score([["a","b"]],[["a","b"]],average="micro")""",
 "9 CREPE empty clips": """
import numpy as np; from skthresh.audio_models import CrepeEmbedding
print(CrepeEmbedding()(__import__("torch").zeros(2,0)).shape)""",
 "10 streamed soft labels, cut predicts every row": """
import numpy as np, tempfile, os, warnings; from skthresh import CoordinateThresholdOptimizer as C
d=tempfile.mkdtemp(); s=np.random.default_rng(0).random((400,2)); t=np.full((400,2),0.9)
np.save(os.path.join(d,"s.npy"),s); np.save(os.path.join(d,"t.npy"),t)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always"); C().fit(np.load(os.path.join(d,"s.npy"),mmap_mode="r"),np.load(os.path.join(d,"t.npy"),mmap_mode="r"))
print([x.category.__name__+": "+str(x.message)[:60] for x in w] or "silent")""",
 "11 warning for 100,000 labels without positives": """
import numpy as np, warnings; from skthresh import FixedThresholdOptimizer, CoordinateThresholdOptimizer as C
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always"); C().fit(np.random.rand(5,100000),np.zeros((5,100000)))
print("message lengths", [len(str(x.message)) for x in w])""",
 "13 tags with OneVsRest": """
from sklearn.utils import get_tags; from sklearn.multiclass import OneVsRestClassifier as O
from sklearn.linear_model import LogisticRegression as L; from sklearn.ensemble import HistGradientBoostingClassifier as H
from skthresh import ThresholdOptimizedClassifier as T
print("multi_label", get_tags(T(O(L()))).classifier_tags.multi_label, "allow_nan(HGB)", get_tags(T(H())).input_tags.allow_nan)""",
 "14 warning location": """
import numpy as np, warnings; from sklearn.datasets import make_multilabel_classification as m
from sklearn.multiclass import OneVsRestClassifier as O; from sklearn.linear_model import LogisticRegression as L
from skthresh import ThresholdOptimizedClassifier as T
X,Y=m(n_samples=90,n_classes=3,random_state=0)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always"); T(O(L()),cv=3).fit(X,Y,sample_weight=np.ones(90))
print(sorted({x.filename.split("/")[-1] for x in w}))""",
 "15 prefit + sample_weight": """
import numpy as np, warnings; from sklearn.datasets import make_multilabel_classification as m
from sklearn.multiclass import OneVsRestClassifier as O; from sklearn.linear_model import LogisticRegression as L
from skthresh import ThresholdOptimizedClassifier as T
X,Y=m(n_samples=90,n_classes=3,random_state=0)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always"); T(O(L()).fit(X,Y),cv="prefit",refit=False).fit(X,Y,sample_weight=np.ones(90))
print([str(x.message)[:80] for x in w] or "silent")""",
}
for name, code in CASES.items():
    try:
        r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60)
        out = (r.stdout.strip() or r.stderr.strip().splitlines()[-1] if (r.stdout.strip() or r.stderr.strip()) else "")
    except subprocess.TimeoutExpired:
        out = "HANG (killed after 60 s)"
    print(f"{name}: {out[:240]}")
