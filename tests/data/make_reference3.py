"""Produce the `extra-*.json` runs in tests/data/reference3 (surfaces and data
models) and tests/data/reference3/mlp (networks): PyTorch 2.15's `Muon` and
pytorch_optimizer 4.1.0's `Lion`, `AdaBelief`, `ADOPT`, `AdEMAMix`,
`ScheduleFreeSGD`, `ScheduleFreeAdamW`, `Prodigy`, `SAM` and `Lookahead`, in
float64, in the format of the shared third set (see reference3/README.md):
between them the cases give every keyword of every one of these classes a
value other than its default, on several surfaces and starts and on networks.

One step is the shared set's:

    zero_grad(); loss = f(theta); loss.backward(); clip (if any); optimizer.step(); scheduler.step()

- SAM: after the first backward, `first_step(zero_grad=True)`, a second
  backward at the perturbed point, `second_step(zero_grad=True)`; its base is
  the torch.optim class named in `"base"` with that entry's keys.
- Lookahead wraps an instance of the torch.optim class named in `"base"`.
- Muon on a surface steps theta as the 1 x 2 matrix [[x, y]] (torch's Muon
  takes only matrices); the points are written flat. On a network, Muon steps
  every Linear weight matrix and the optimizer in `"others"` (a torch.optim
  class, `{"name": "adamw", "lr": 0.001}` when absent) every other parameter.

Beside the points (a network's `params`) and losses, each run records the
series its optimizer adds, entry k belonging to step k + 1: `eval_points`
(schedule-free: the averaged iterate `y.lerp(z, 1 - 1/beta)` that `eval()`
would load, beta being `momentum` or `betas[0]`), `ascent_points` (SAM: the
perturbed point of its second gradient) and `slow_points` (Lookahead: its
slow weights, `state["slow_params"]`); on a network each entry is the flat
parameter vector. A case with a schedule also has `lrs`, the rate of every
step (the base's for SAM and Lookahead). A network also has each Linear's
weight-gradient norm at every step before clipping and, for classification,
the accuracy at every point a step starts from, as in the shared set.

The surfaces are make_reference.py's, the data models its `rows` and
`model_loss` (their mini-batches optiviz's seeded order, replayed by its
`Batches`), the networks make_reference_mlp.py's (`torch.nn` modules, its
datasets, initial weights drawn by `nn.Linear` from a torch seed). Each case
also runs from a start (or first weight) moved up by one unit in the last
place; where the two runs' points part by more than 1e-10 the case says so
with `compare_until`, the last step that can be held to the reference, as
make_reference2.py does.

Needs torch and pytorch_optimizer at those versions (`pip install torch
pytorch_optimizer==4.1.0`); the files it writes are committed, so the tests do
not need them. Run from the repository root:

    python3 tests/data/make_reference3.py             # every extra case
    python3 tests/data/make_reference3.py prodigy     # the cases whose id contains a word
    python3 tests/data/make_reference3.py --shared    # re-run the shared s3-*.json, report the largest difference
"""

import glob
import importlib.metadata
import inspect
import json
import math
import os
import sys

import pytorch_optimizer as po
import torch
from torch import nn

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts it imports
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import DEFAULT_PARAMS, Batches, model_loss, rows, surface  # noqa: E402
from make_reference2 import CLASSES, build_scheduler, chaotic_from  # noqa: E402
from make_reference_mlp import (CIRCLE, GAUSS, PLANE, WAVE, XOR, XOR40, linear_weights, mlp, network,  # noqa: E402
                                parts_from)

torch.set_default_dtype(torch.float64)
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference3")
SOURCE = f"torch {torch.__version__} + pytorch_optimizer {importlib.metadata.version('pytorch_optimizer')}, float64"

# pytorch_optimizer's classes, under the experiment's names.
OWN = {"lion": po.Lion, "adabelief": po.AdaBelief, "adopt": po.ADOPT, "ademamix": po.AdEMAMix,
       "schedulefree_sgd": po.ScheduleFreeSGD, "schedulefree_adamw": po.ScheduleFreeAdamW, "prodigy": po.Prodigy}
# The entry's keys that are not the class's keywords.
NOT_KEYWORDS = ("name", "clip", "schedule", "base", "others")


def keywords(entry):
    """An optimizer entry's keys as keyword arguments: lists as tuples, and
    Prodigy's `growth_rate` null as the infinity it stands for."""
    kw = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items() if k not in NOT_KEYWORDS}
    if "growth_rate" in kw and kw["growth_rate"] is None:
        kw["growth_rate"] = math.inf
    return kw


def checked(cls, kw):
    """`kw`, once every key is one of `cls`'s keywords: pytorch_optimizer's
    classes take any other key silently, so a misspelt one would go unseen."""
    named = inspect.signature(cls).parameters
    unknown = [k for k in kw if k not in named or named[k].kind == inspect.Parameter.VAR_KEYWORD]
    if unknown:
        raise ValueError(f"{cls.__name__} has no keyword {unknown}")
    return kw


def torch_class(entry):
    """A torch.optim class named in an entry (SAM's and Lookahead's base, Muon's others)."""
    return getattr(torch.optim, CLASSES[entry["name"]])


class Stepper:
    """The optimizer of an entry over `params`, stepped the shared set's way."""

    def __init__(self, entry, params):
        self.name = entry["name"]
        self.params = params
        kw = keywords(entry)
        if self.name == "muon":
            matrices = [p for p in params if p.ndim == 2]
            rest = [p for p in params if p.ndim != 2]
            self.opts = [torch.optim.Muon(matrices, **checked(torch.optim.Muon, kw))]
            if rest:
                others = entry.get("others", {"name": "adamw", "lr": 0.001})
                self.opts.append(torch_class(others)(rest, **keywords(others)))
            self.lr_group = self.opts[0].param_groups[0]
            self.scheduled = self.opts[0]
        elif self.name == "sam":
            base = entry["base"]
            self.sam = po.SAM(params, base_optimizer=torch_class(base), **checked(po.SAM, kw), **keywords(base))
            self.opts = [self.sam]
            self.lr_group = self.sam.param_groups[0]
            self.scheduled = self.sam.base_optimizer
        elif self.name == "lookahead":
            base = torch_class(entry["base"])(params, **keywords(entry["base"]))
            self.look = po.Lookahead(base, **checked(po.Lookahead, kw))
            self.opts = [self.look]
            self.lr_group = base.param_groups[0]
            self.scheduled = base
        else:
            self.opts = [OWN[self.name](params, **checked(OWN[self.name], kw))]
            self.lr_group = self.opts[0].param_groups[0]
            self.scheduled = self.opts[0]

    def step(self, backward, snapshot, series):
        """One step after the first backward; `backward()` evaluates again."""
        if self.name == "sam":
            self.sam.first_step(zero_grad=True)
            series.setdefault("ascent_points", []).append(snapshot())
            backward()
            self.sam.second_step(zero_grad=True)
            return
        for opt in self.opts:
            opt.step()
        if self.name == "lookahead":
            slow = [self.look.state[p]["slow_params"] for p in self.params]
            series.setdefault("slow_points", []).append(joined(slow))
        elif self.name.startswith("schedulefree"):
            group = self.opts[0].param_groups[0]
            beta = group["momentum"] if self.name == "schedulefree_sgd" else group["betas"][0]
            x = [p.detach().lerp(self.opts[0].state[p]["z"], 1.0 - 1.0 / beta) for p in self.params]
            series.setdefault("eval_points", []).append(joined(x))


def joined(tensors):
    """Tensors end to end as one flat list, in parameter order."""
    return torch.cat([t.detach().reshape(-1) for t in tensors]).tolist()


def clip_grads(params, clip):
    if clip and "max_norm" in clip:
        nn.utils.clip_grad_norm_(params, clip["max_norm"])
    elif clip:
        nn.utils.clip_grad_value_(params, clip["clip_value"])


def run(exp, nudge=False):
    """The reference of one experiment (a surface, a data model or a network)."""
    fn = exp["function"]
    entry = exp["optimizers"][0]
    net = fn["name"] == "mlp"
    classification = fn.get("task", "classification") == "classification"
    batches, acc = None, exp.get("accumulate", 1)
    if net:
        model = network(fn)
        weights = list(fn["weights"])
        if nudge:
            weights[0] = math.nextafter(weights[0], math.inf)
        nn.utils.vector_to_parameters(torch.tensor(weights), model.parameters())
        params = list(model.parameters())
        x, y = torch.tensor(fn["data"]["x"]), torch.tensor(fn["data"]["y"])
        criterion = nn.BCEWithLogitsLoss() if classification else nn.MSELoss()

        def loss_on(rows_):
            return criterion(model(x).squeeze(-1), y)
    else:
        start = list(exp["start"])
        if nudge:
            start[0] = math.nextafter(start[0], math.inf)
        # torch's Muon takes only matrices: theta is [[x, y]] for it.
        theta = torch.tensor([start] if entry["name"] == "muon" else start, requires_grad=True)
        params = [theta]
        if "data" in fn:
            data_loss = model_loss(fn["name"], fn["data"])
            n = len(fn["data"]["x"])
            if exp.get("batch_size", n) < n:
                batches = Batches(n, exp["batch_size"], exp.get("seed", 0))

            def loss_on(rows_):
                return data_loss(theta.view(-1), rows_)
        else:
            f = surface(fn["name"], dict(DEFAULT_PARAMS.get(fn["name"], {}), **fn.get("params", {})))

            def loss_on(rows_):
                return f(theta.view(-1))

    stepper = Stepper(entry, params)
    sched = build_scheduler(stepper.scheduled, entry["schedule"]) if "schedule" in entry else None
    clip = entry.get("clip")
    if clip and entry["name"] == "sam":
        raise ValueError("SAM takes two gradients a step: which of them a clip applies to is not settled")
    snapshot = lambda: joined(params)  # noqa: E731
    step_rows = None

    def backward():
        """Zeroes the gradients and adds those of this step's loss (its micro-batches' mean)."""
        for p in params:
            p.grad = None
        if step_rows is None:
            loss_on(None).backward()
        else:
            for r in step_rows:
                (loss_on(r) / len(step_rows)).backward()

    def where():
        with torch.no_grad():
            if not net:
                return loss_on(None).item(), None
            out = model(x).squeeze(-1)
            right = ((out > 0) == (y > 0.5)).double().mean().item()
            return criterion(out, y).item(), right

    points, losses, series, lrs, norms, accuracy = [], [], {}, [], [], []
    for _ in range(exp["steps"]):
        points.append(snapshot())
        loss, right = where()
        losses.append(loss)
        accuracy.append(right)
        lrs.append(stepper.lr_group["lr"])
        step_rows = [batches.next() for _ in range(acc)] if batches else None
        backward()
        if net:
            norms.append([w.grad.norm().item() for w in linear_weights(model)])
        clip_grads(params, clip)
        stepper.step(backward, snapshot, series)
        if sched is not None:
            sched.step()
    points.append(snapshot())
    losses.append(where()[0])
    if not all(math.isfinite(v) for p in points for v in p):
        raise ValueError(f"{exp}: the run left the floats")
    ref = {"params" if net else "points": points, "losses": losses}
    if net:
        ref["layer_grad_norms"] = norms
        if classification:
            ref["accuracy"] = accuracy
    ref.update(series)
    if sched is not None:
        ref["lrs"] = lrs
    ref["source"] = SOURCE
    return ref


def parted(ref, other):
    """The first point at which two runs part by more than 1e-10."""
    return parts_from(ref, other) if "params" in ref else chaotic_from(ref, other)


def case(id, function, start, steps, optimizer, **settings):
    return {"id": "extra-" + id,
            "experiment": dict({"function": function, "start": start, "steps": steps, "optimizers": [optimizer]},
                               **settings)}


def net_case(id, function, steps, optimizer):
    return {"id": "extra-mlp-" + id, "experiment": {"function": function, "steps": steps, "optimizers": [optimizer]}}


ROSENBROCK = {"name": "rosenbrock", "params": {"a": 1.0, "b": 100.0}}
# Styblinski-Tang has a local maximum near (0.16, 0.16): the maximizing runs climb to it.
STYBLINSKI = {"name": "styblinski_tang"}

# A few cases pass `foreach`, which picks pytorch_optimizer's batched or
# per-tensor code for the same arithmetic (optiviz accepts it and ignores it),
# so that both are held to the same numbers.
CASES = [
    # Muon: theta as a 1 x 2 matrix, so its update is the gradient direction
    # squeezed by the Newton-Schulz polynomial.
    case("muon-rosenbrock-momentum-wd-rms", ROSENBROCK, [-1.2, 1.0], 150,
         {"name": "muon", "lr": 0.01, "momentum": 0.9, "nesterov": False, "weight_decay": 0.05,
          "adjust_lr_fn": "match_rms_adamw"}),
    case("muon-booth-ns-spectral", {"name": "booth"}, [-6.0, 8.0], 120,
         {"name": "muon", "lr": 0.2, "weight_decay": 0.0, "ns_coefficients": [2.0, -1.5, 0.5], "ns_steps": 3,
          "adjust_lr_fn": "spectral_unclamped"}),
    # An eps larger than the update's norm near the minimum: the step shrinks with it.
    case("muon-six-hump-eps-original", {"name": "six_hump_camel"}, [-1.5, 1.2], 100,
         {"name": "muon", "lr": 0.03, "momentum": 0.8, "eps": 0.5, "adjust_lr_fn": "original"}),
    case("muon-beale-clip-ns-steps", {"name": "beale"}, [1.0, 1.5], 120,
         {"name": "muon", "lr": 0.02, "ns_steps": 7, "adjust_lr_fn": None, "clip": {"max_norm": 1.0}}),
    # Lion.
    case("lion-himmelblau-betas-wd", {"name": "himmelblau"}, [-1.0, 1.0], 150,
         {"name": "lion", "lr": 0.01, "betas": [0.95, 0.98], "weight_decay": 0.1}),
    case("lion-beale-coupled-wd", {"name": "beale"}, [2.0, -1.0], 150,
         {"name": "lion", "lr": 0.005, "weight_decay": 0.05, "weight_decouple": False, "foreach": False}),
    case("lion-matyas-fixed-decay-cosine", {"name": "matyas"}, [8.0, -6.0], 120,
         {"name": "lion", "lr": 0.1, "weight_decay": 0.02, "fixed_decay": True,
          "schedule": {"name": "cosine", "T_max": 120}}),
    case("lion-styblinski-maximize", STYBLINSKI, [0.5, -0.4], 80, {"name": "lion", "lr": 0.01, "maximize": True}),
    case("lion-linear-regression-wd", rows("linear_regression", 40, 2.0, -1.0, 0.5, 1), [-1.0, 2.0], 100,
         {"name": "lion", "lr": 0.02, "weight_decay": 0.01}),
    # AdaBelief.
    # Rectified: plain momentum steps until the moving average is long enough.
    case("adabelief-six-hump-rectify", {"name": "six_hump_camel"}, [-1.5, 1.2], 150,
         {"name": "adabelief", "lr": 0.02, "betas": [0.9, 0.99], "rectify": True}),
    case("adabelief-himmelblau-rectify-threshold-no-sgd", {"name": "himmelblau"}, [0.5, -3.0], 120,
         {"name": "adabelief", "lr": 0.05, "rectify": True, "n_sma_threshold": 8, "degenerated_to_sgd": False,
          "weight_decay": 0.05, "fixed_decay": True}),
    case("adabelief-booth-ams-bound-coupled-clip", {"name": "booth"}, [-6.0, 8.0], 150,
         {"name": "adabelief", "lr": 0.1, "ams_bound": True, "eps": 1e-10, "weight_decay": 0.1,
          "weight_decouple": False, "clip": {"max_norm": 5.0}}),
    case("adabelief-three-hump-clip-value-maximize", {"name": "three_hump_camel"}, [0.4, -0.3], 60,
         {"name": "adabelief", "lr": 0.01, "maximize": True, "foreach": False, "clip": {"clip_value": 1.0}}),
    # ADOPT.
    case("adopt-himmelblau-betas-eps-coupled", {"name": "himmelblau"}, [-0.5, -4.0], 150,
         {"name": "adopt", "lr": 0.05, "betas": [0.8, 0.99], "eps": 1e-4, "weight_decay": 0.01}),
    case("adopt-beale-decoupled-fixed", {"name": "beale"}, [1.0, 1.5], 150,
         {"name": "adopt", "lr": 0.01, "weight_decay": 0.05, "weight_decouple": True, "fixed_decay": True}),
    case("adopt-booth-decoupled", {"name": "booth"}, [-6.0, 8.0], 120,
         {"name": "adopt", "lr": 0.1, "weight_decay": 0.1, "weight_decouple": True, "foreach": False}),
    # clip_lambda None: the normalized gradient is not clipped at step^0.25.
    case("adopt-rosenbrock-no-clip-lambda", ROSENBROCK, [-1.2, 1.0], 150,
         {"name": "adopt", "lr": 0.01, "clip_lambda": None}),
    case("adopt-styblinski-maximize", STYBLINSKI, [0.6, -0.5], 80, {"name": "adopt", "lr": 0.02, "maximize": True}),
    case("adopt-logistic-minibatch", rows("logistic_regression", 60, 2.5, 0.5, 1.0, 4), [-1.0, 1.0], 100,
         {"name": "adopt", "lr": 0.05}, batch_size=8, seed=3),
    # AdEMAMix.
    case("ademamix-rosenbrock-betas-alpha-warmup", ROSENBROCK, [-1.2, 1.0], 200,
         {"name": "ademamix", "lr": 0.02, "betas": [0.9, 0.99, 0.999], "alpha": 2.0, "t_alpha_beta3": 50}),
    case("ademamix-booth-decoupled-fixed-eps", {"name": "booth"}, [-6.0, 8.0], 120,
         {"name": "ademamix", "lr": 0.1, "weight_decay": 0.1, "weight_decouple": True, "fixed_decay": True,
          "eps": 1e-6}),
    case("ademamix-beale-coupled-long-warmup", {"name": "beale"}, [1.0, 1.5], 150,
         {"name": "ademamix", "lr": 0.01, "weight_decay": 0.02, "alpha": 8.0, "t_alpha_beta3": 300,
          "foreach": False}),
    case("ademamix-styblinski-maximize", STYBLINSKI, [0.5, -0.4], 80,
         {"name": "ademamix", "lr": 0.01, "maximize": True, "t_alpha_beta3": None}),
    # Schedule-free SGD.
    case("sf-sgd-himmelblau-momentum-warmup-r", {"name": "himmelblau"}, [-1.0, 1.0], 150,
         {"name": "schedulefree_sgd", "lr": 0.01, "momentum": 0.8, "warmup_steps": 10, "r": 1.0}),
    case("sf-sgd-booth-wd-power-eps", {"name": "booth"}, [-6.0, 8.0], 120,
         {"name": "schedulefree_sgd", "lr": 0.02, "weight_decay": 0.05, "weight_lr_power": 0.0, "eps": 1e-6,
          "foreach": False}),
    case("sf-sgd-matyas-cosine", {"name": "matyas"}, [8.0, -6.0], 120,
         {"name": "schedulefree_sgd", "lr": 0.5, "schedule": {"name": "cosine", "T_max": 120}}),
    case("sf-sgd-styblinski-maximize", STYBLINSKI, [0.5, -0.4], 80,
         {"name": "schedulefree_sgd", "lr": 0.01, "maximize": True}),
    # Schedule-free AdamW.
    case("sf-adamw-rosenbrock-warmup-r-power", ROSENBROCK, [-1.2, 1.0], 200,
         {"name": "schedulefree_adamw", "lr": 0.05, "betas": [0.95, 0.99], "warmup_steps": 20, "r": 0.5,
          "weight_lr_power": 1.0}),
    case("sf-adamw-beale-wd-ams-bound-eps", {"name": "beale"}, [1.0, 1.5], 150,
         {"name": "schedulefree_adamw", "lr": 0.02, "weight_decay": 0.01, "ams_bound": True, "eps": 1e-6,
          "foreach": False}),
    case("sf-adamw-six-hump-decoupling", {"name": "six_hump_camel"}, [-1.5, 1.2], 120,
         {"name": "schedulefree_adamw", "lr": 0.05, "decoupling_c": 5}),
    case("sf-adamw-styblinski-maximize-step", STYBLINSKI, [0.6, -0.5], 90,
         {"name": "schedulefree_adamw", "lr": 0.05, "maximize": True,
          "schedule": {"name": "step", "step_size": 30, "gamma": 0.5}}),
    # Prodigy.
    case("prodigy-himmelblau-beta3-d0-growth-bias", {"name": "himmelblau"}, [-0.5, -4.0], 150,
         {"name": "prodigy", "lr": 1.0, "beta3": 0.9, "d0": 1e-3, "growth_rate": 1.05, "bias_correction": True}),
    # eps None: the step is atan2(exp_avg, sqrt(exp_avg_sq)) instead of a quotient.
    case("prodigy-beale-coupled-safeguard-atan2", {"name": "beale"}, [1.0, 1.5], 150,
         {"name": "prodigy", "lr": 1.0, "weight_decay": 0.01, "weight_decouple": False, "safeguard_warmup": True,
          "eps": None}),
    case("prodigy-booth-betas-dcoef-fixed-decay", {"name": "booth"}, [-6.0, 8.0], 120,
         {"name": "prodigy", "lr": 0.5, "betas": [0.8, 0.99], "d_coef": 2.0, "weight_decay": 0.1,
          "fixed_decay": True, "growth_rate": None, "foreach": True}),
    case("prodigy-styblinski-maximize", STYBLINSKI, [0.6, -0.5], 80,
         {"name": "prodigy", "lr": 1.0, "maximize": True}),
    # SAM over torch.optim bases.
    case("sam-adam-himmelblau-rho", {"name": "himmelblau"}, [-1.0, 1.0], 120,
         {"name": "sam", "rho": 0.1, "base": {"name": "adam", "lr": 0.05, "betas": [0.85, 0.99]}}),
    case("sam-sgd-beale-adaptive-nesterov", {"name": "beale"}, [1.0, 1.5], 150,
         {"name": "sam", "rho": 0.05, "adaptive": True,
          "base": {"name": "sgd", "lr": 0.003, "momentum": 0.9, "nesterov": True}}),
    # use_gc leaves a vector's gradient as it is (it centralizes matrices), so
    # this run is plain SAM; perturb_eps is large enough to matter near the minimum.
    case("sam-adamw-booth-gc-perturb-eps", {"name": "booth"}, [-6.0, 8.0], 120,
         {"name": "sam", "use_gc": True, "perturb_eps": 1e-3,
          "base": {"name": "adamw", "lr": 0.1, "weight_decay": 0.05}}),
    case("sam-rmsprop-six-hump", {"name": "six_hump_camel"}, [-1.5, 1.2], 100,
         {"name": "sam", "rho": 0.02, "foreach": True, "base": {"name": "rmsprop", "lr": 0.01, "momentum": 0.5}}),
    # Lookahead over torch.optim bases.
    case("lookahead-adam-rosenbrock", ROSENBROCK, [-1.2, 1.0], 200,
         {"name": "lookahead", "k": 5, "alpha": 0.5, "pullback_momentum": "none",
          "base": {"name": "adam", "lr": 0.02}}),
    case("lookahead-sgd-booth-reset", {"name": "booth"}, [-6.0, 8.0], 120,
         {"name": "lookahead", "k": 4, "alpha": 0.7, "pullback_momentum": "reset",
          "base": {"name": "sgd", "lr": 0.01, "momentum": 0.9}}),
    case("lookahead-sgd-six-hump-pullback", {"name": "six_hump_camel"}, [-1.5, 1.2], 120,
         {"name": "lookahead", "k": 3, "alpha": 0.3, "pullback_momentum": "pullback",
          "base": {"name": "sgd", "lr": 0.01, "momentum": 0.8, "dampening": 0.1}}),
    # RMSprop keeps its momentum under the same key as SGD: pulled back too.
    case("lookahead-rmsprop-himmelblau-pullback", {"name": "himmelblau"}, [0.5, -3.0], 120,
         {"name": "lookahead", "k": 6, "pullback_momentum": "pullback",
          "base": {"name": "rmsprop", "lr": 0.01, "momentum": 0.5}}),
]

NET_CASES = [
    # Muon steps the Linear weights, "others" the biases and batch-norm parameters.
    net_case("muon-others-sgd-relu-two-layers", mlp([5, 4], "relu", XOR, torch_seed=41), 40,
             {"name": "muon", "lr": 0.02, "momentum": 0.9, "nesterov": False,
              "others": {"name": "sgd", "lr": 0.1, "momentum": 0.9}}),
    net_case("muon-others-adamw-bn-tanh", mlp([6, 4], "tanh", CIRCLE, batch_norm=True, torch_seed=42), 40,
             {"name": "muon", "lr": 0.02, "weight_decay": 0.01, "adjust_lr_fn": "match_rms_adamw",
              "others": {"name": "adamw", "lr": 0.01, "weight_decay": 0.05}}),
    net_case("muon-default-others-regression", mlp([8], "tanh", WAVE, task="regression", torch_seed=43), 40,
             {"name": "muon", "lr": 0.03, "adjust_lr_fn": "spectral_unclamped"}),
    net_case("muon-others-adam-ns-relu", mlp([6], "relu", GAUSS, torch_seed=44), 40,
             {"name": "muon", "lr": 0.05, "ns_coefficients": [2.0, -1.5, 0.5], "ns_steps": 4, "eps": 1e-5,
              "adjust_lr_fn": "original", "others": {"name": "adam", "lr": 0.02, "betas": [0.8, 0.99]}}),
    net_case("lion-relu-two-layers", mlp([5, 5], "relu", CIRCLE, torch_seed=45), 40,
             {"name": "lion", "lr": 0.005, "betas": [0.9, 0.95], "weight_decay": 0.1}),
    net_case("adabelief-rectify-bn-tanh", mlp([5, 4], "tanh", XOR40, batch_norm=True, torch_seed=46), 40,
             {"name": "adabelief", "lr": 0.01, "rectify": True, "weight_decay": 0.01}),
    net_case("adopt-clip-regression-relu", mlp([6, 4], "relu", PLANE, task="regression", torch_seed=47), 40,
             {"name": "adopt", "lr": 0.01, "clip": {"max_norm": 1.0}}),
    net_case("ademamix-warmup-tanh", mlp([6], "tanh", CIRCLE, torch_seed=48), 40,
             {"name": "ademamix", "lr": 0.02, "alpha": 3.0, "t_alpha_beta3": 20}),
    net_case("sf-sgd-warmup-relu-two-layers", mlp([6, 4], "relu", XOR, torch_seed=49), 40,
             {"name": "schedulefree_sgd", "lr": 0.2, "momentum": 0.9, "warmup_steps": 5}),
    net_case("sf-adamw-cosine-regression", mlp([8], "tanh", WAVE, task="regression", torch_seed=50), 40,
             {"name": "schedulefree_adamw", "lr": 0.02, "warmup_steps": 5, "weight_decay": 0.01,
              "schedule": {"name": "cosine", "T_max": 40}}),
    net_case("prodigy-tanh-two-layers", mlp([5, 3], "tanh", GAUSS, torch_seed=51), 40,
             {"name": "prodigy", "lr": 1.0, "d_coef": 0.5, "weight_decay": 0.01}),
    net_case("sam-sgd-gc-adaptive-relu", mlp([5, 4], "relu", CIRCLE, torch_seed=52), 40,
             {"name": "sam", "rho": 0.05, "adaptive": True, "use_gc": True,
              "base": {"name": "sgd", "lr": 0.1, "momentum": 0.9}}),
    net_case("sam-adam-bn-tanh", mlp([6], "tanh", XOR, batch_norm=True, torch_seed=53), 40,
             {"name": "sam", "rho": 0.1, "base": {"name": "adam", "lr": 0.02}}),
    net_case("lookahead-sgd-pullback-relu", mlp([6, 4], "relu", XOR40, torch_seed=54), 40,
             {"name": "lookahead", "k": 5, "alpha": 0.5, "pullback_momentum": "pullback",
              "base": {"name": "sgd", "lr": 0.1, "momentum": 0.9}}),
    net_case("lookahead-adam-reset-regression", mlp([5], "tanh", PLANE, task="regression", torch_seed=55), 40,
             {"name": "lookahead", "k": 4, "alpha": 0.6, "pullback_momentum": "reset",
              "base": {"name": "adam", "lr": 0.02}}),
]


def write(c, out):
    ref = run(c["experiment"])
    k = parted(ref, run(c["experiment"], nudge=True))
    if k is not None:
        ref["compare_until"] = max(0, k - 1)
    c["reference"] = ref
    with open(os.path.join(out, c["id"] + ".json"), "w") as fh:
        json.dump(c, fh)
    print(c["id"], "loss", ref["losses"][0], "->", ref["losses"][-1], "compare_until", ref.get("compare_until"))


def check_shared():
    """Re-runs the shared set's cases (s3-*.json here) and reports how far
    this script's runs are from them: the stepping is the same."""
    worst = 0.0
    for path in sorted(glob.glob(os.path.join(HERE, "s3-*.json")) + glob.glob(os.path.join(HERE, "mlp", "s3-*.json"))):
        with open(path) as fh:
            c = json.load(fh)
        want = c["reference"]
        got = run(c["experiment"])
        err = 0.0
        for key, series in want.items():
            if isinstance(series, list):
                a = torch.tensor(series, dtype=torch.float64)
                b = torch.tensor(got[key][:len(series)], dtype=torch.float64)
                err = max(err, ((a - b).abs() / a.abs().clamp(min=1.0)).max().item())
        worst = max(worst, err)
        print(c["id"], "largest relative difference", err)
    print("largest over the shared set", worst)


def main():
    if "--shared" in sys.argv:
        check_shared()
        return
    words = sys.argv[1:]
    os.makedirs(os.path.join(HERE, "mlp"), exist_ok=True)
    for cases, out in ((CASES, HERE), (NET_CASES, os.path.join(HERE, "mlp"))):
        for c in cases:
            if not words or any(w in c["id"] for w in words):
                write(c, out)


if __name__ == "__main__":
    main()
