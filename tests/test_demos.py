"""The demos: figures against the formulas and the papers, every numerical check passing,
the runner's refusals (names, sizes, memory cap) and its memory estimates against real use."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dense1x1quiz import demos
from dense1x1quiz.demos import papers
from dense1x1quiz.demos.result import num, sci, seconds, shape
from dense1x1quiz.demos.runner import MEMORY_CAP, estimate, resolve_params, run_demo
from dense1x1quiz.errors import UsageError

# small sizes: every demo runs in well under a second with these
SMALL = {
    "shapes": {"height": 3, "width": 5, "cin": 4, "cout": 6, "batch": 2},
    "equivalence": {"height": 3, "width": 5, "cin": 4, "cout": 6, "batch": 2},
    "spatial": {"height": 3, "width": 4, "cin": 5, "cout": 2},
    "nonlinearity": {"height": 4, "width": 4, "cin": 6, "cout": 5},
    "bottleneck": {"height": 8, "width": 8, "cin": 32, "cout": 8},
    "inception": {"height": 7, "width": 7, "cin": 16},
    "mobilenet": {"height": 6, "width": 6, "cin": 16, "cout": 24},
    "fc-to-conv": {"height": 9, "width": 8, "cin": 8, "cout": 12},
    "frameworks": {"height": 4, "width": 3, "cin": 2, "cout": 5},
}


def test_every_registered_demo_has_a_small_case():
    assert set(SMALL) == set(demos.DEMOS)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_every_demo_runs_with_every_check_passing_and_json_serialisable(name):
    result = run_demo(name, SMALL[name])
    assert result.checks, "a demo shows at least one numerical check"
    assert [c.label for c in result.checks if c.status != "ok"] == []
    document = json.loads(json.dumps(result.to_json()))
    assert document["demo"] == name and document["convention"]
    assert all(isinstance(c["max_abs_diff"], float) for c in document["checks"])


def test_shapes_figures():
    f = run_demo("shapes", SMALL["shapes"]).figures  # N=2, H=3, W=5, Cin=4, Cout=6
    assert f["input"] == {"nchw": [2, 4, 3, 5], "nhwc": [2, 3, 5, 4]}
    assert f["dense"]["flat"] == [2, 60] and f["dense"]["weight"] == [6, 60] and f["dense"]["keras_kernel"] == [60, 6]
    assert f["dense"]["output"] == [2, 6]
    assert f["dense"]["params"] == 60 * 6 + 6 and f["dense"]["macs"] == 2 * 60 * 6
    assert f["conv1x1"]["output"] == {"nchw": [2, 6, 3, 5], "nhwc": [2, 3, 5, 6]}
    assert f["conv1x1"]["params"] == 4 * 6 + 6 and f["conv1x1"]["macs"] == 2 * 15 * 4 * 6
    assert f["dense_same_output_size"]["params"] == 60 * 90 + 90
    assert f["dense"]["outputs_changed_by_one_pixel"] == 12  # every dense output moves


def test_equivalence_right_copies_agree_and_wrong_copies_do_not():
    f = run_demo("equivalence", SMALL["equivalence"]).figures
    d = f["max_abs_diff"]
    assert d["loop"] < 1e-5 and d["reshape_matmul"] < 1e-5 and d["keras"] < 1e-5
    assert d["missing_transpose"] > 0.01 and d["nchw_read_as_nhwc"] > 0.01
    assert f["weights"] == {
        "linear": [6, 4],
        "conv2d": [6, 4, 1, 1],
        "keras_dense": [4, 6],
        "keras_conv2d": [1, 1, 4, 6],
    }
    assert f["matrix_rows"] == 2 * 3 * 5 and f["pixels_looped"] == 15


def test_spatial_conv_follows_the_shuffle_dense_does_not():
    f = run_demo("spatial", SMALL["spatial"]).figures
    assert sorted(f["permutation"]) == list(range(12))
    assert f["conv1x1"]["max_abs_diff_shuffled"] == 0.0
    assert f["dense"]["max_abs_diff_shuffled"] > 0.1
    assert f["dense"]["params"] == (12 * 5) * (12 * 2) + 12 * 2


def test_nonlinearity_collapses_only_without_relu():
    f = run_demo("nonlinearity", SMALL["nonlinearity"]).figures
    d = f["max_abs_diff"]
    assert d["per_pixel_mlp"] < 1e-5 and d["collapsed_without_relu"] < 1e-5 and d["with_relu_vs_collapsed"] > 0.01
    assert [layer["params"] for layer in f["layers"]] == [6 * 5 + 5, 5 * 5 + 5, 6 * 5 + 5]
    assert 0 < f["relu_zeroed_fraction"] < 1


def test_bottleneck_figures_at_the_papers_size():
    f = run_demo("bottleneck", {"height": 8, "width": 8}).figures  # 256 → 64 → 256, the paper's widths
    assert f["totals"]["plain"]["params"] == 2 * 9 * 256 * 256 == 1_179_648
    assert f["totals"]["bottleneck"]["params"] == 256 * 64 + 9 * 64 * 64 + 64 * 256 == 69_632
    assert f["totals"]["bottleneck"]["macs"] == 64 * 69_632
    assert f["basic_block_64_params"] == 73_728
    assert f["resnet50"]["macs"] == 3_857_973_248 and f["resnet34"]["macs"] == 3_663_761_408
    assert f["max_abs_diff_3x3_as_nine_1x1"] < 1e-4
    assert set(f["seconds"]) == {"plain", "bottleneck"} and all(t > 0 for t in f["seconds"].values())


def test_inception_3a_beside_table_1():
    f = run_demo("inception", {"height": 7, "width": 7}).figures
    assert f["output"]["nchw"] == [1, 256, 7, 7] and f["naive_output"]["nchw"] == [1, 416, 7, 7]
    paper = f["paper_table1_3a"]
    assert paper["ours_params"] == 163_328 and paper["ours_macs"] == 128_049_152
    assert round(paper["ours_macs"] / 1e6) == 128  # Table 1: 128M ops
    assert int(paper["ours_params"] / 1024) == 159  # Table 1: 159K params, K = 1,024
    assert f["with_reductions"]["params"] == 163_328 and f["naive"]["params"] == 387_072


def test_mobilenet_v1_beside_the_paper():
    f = run_demo("mobilenet", SMALL["mobilenet"]).figures
    net = f["mobilenet_v1"]
    assert net["params"] == 4_209_088 and round(net["params"] / 1e5) / 10 == 4.2
    assert net["mult_adds"] == 568_740_352 and round(net["mult_adds"] / 1e6) == 569
    shares = net["by_kind"]
    assert round(shares["conv 1×1"]["pct_mult_adds"], 2) == 94.86  # "~95% of the computation"
    assert round(shares["conv 1×1"]["pct_params"], 2) == 74.59  # "~75% of the parameters"
    for kind in ("conv 1×1", "conv dw 3×3", "fc"):
        assert round(shares[kind]["pct_mult_adds"], 2) == shares[kind]["paper_pct_mult_adds"]
        assert round(shares[kind]["pct_params"], 2) == shares[kind]["paper_pct_params"]
    layer = f["layer"]
    assert layer["mac_ratio"] == pytest.approx(1 / 24 + 1 / 9)
    assert layer["depthwise"]["params"] == 16 * 9 and layer["pointwise"]["params"] == 16 * 24


def test_fc_to_conv_gives_a_score_map():
    f = run_demo("fc-to-conv", SMALL["fc-to-conv"]).figures
    assert f["dense_output"] == [1, 10] and f["score_map"] == [1, 10, 3, 2]
    assert f["layers"][0]["conv_weight"] == [12, 8, 7, 7] and f["layers"][0]["dense_weight"] == [12, 8 * 49]
    assert f["max_abs_diff"]["conv_vs_dense"] < 1e-5 and f["max_abs_diff"]["score_map_vs_windows"] < 1e-5
    assert f["vgg16_head_params"] == 123_642_856


def test_frameworks_conversions():
    f = run_demo("frameworks", SMALL["frameworks"]).figures
    assert f["pytorch"]["conv_weight"] == [5, 2, 3, 3] and f["keras"]["conv_kernel"] == [3, 3, 2, 5]
    assert f["pytorch"]["linear_weight"] == [10, 60] and f["keras"]["dense_kernel"] == [60, 10]
    d = f["max_abs_diff"]
    assert d["conv_converted"] < 1e-5 and d["dense_converted"] < 1e-5
    assert min(d["conv_reshaped"], d["dense_flatten_order_ignored"], d["dense_not_transposed"]) > 0.01


def test_same_seed_same_figures_other_seed_other_tensors():
    a = run_demo("spatial", {**SMALL["spatial"], "seed": 3}).figures
    b = run_demo("spatial", {**SMALL["spatial"], "seed": "3"}).figures  # card params arrive as text
    c = run_demo("spatial", {**SMALL["spatial"], "seed": 4}).figures
    assert (
        a["permutation"] == b["permutation"]
        and a["dense"]["max_abs_diff_shuffled"] == b["dense"]["max_abs_diff_shuffled"]
    )
    assert a["permutation"] != c["permutation"]


# -- the papers' calculators ----------------------------------------------------------------------


def test_paper_calculators():
    assert papers.total(papers.mobilenet_v1_layers()) == (4_209_088, 568_740_352)
    assert papers.total(papers.inception_layers(192, 28, 28)) == (163_328, 128_049_152)
    assert papers.total(papers.resnet_layers(True)) == (25_502_912, 3_857_973_248)
    assert papers.total(papers.resnet_layers(False))[1] == 3_663_761_408
    assert papers.mobilenet_v1_layers()[-2].h_out == 7  # the last separable layer keeps 7×7


# -- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("shape", {}, "unknown demo `shape`; did you mean `shapes`?"),
        ("zzz", {}, "unknown demo `zzz`; `quiz demo` lists them"),
        ("shapes", {"height": 0}, "height must be a whole number from 1 to 100,000, not 0"),
        ("shapes", {"cin": -4}, "cin must be a whole number from 1 to 100,000, not -4"),
        ("shapes", {"cout": "2.5"}, "cout must be a whole number from 1 to 100,000, not '2.5'"),
        ("shapes", {"layout": "chwn"}, "layout must be one of nchw, nhwc, not 'chwn'"),
        ("inception", {"cout": 8}, "demo inception takes no `cout` (its sizes: height, width, cin, batch)"),
        ("shapes", {"hieght": 3}, "unknown demo parameter `hieght` (did you mean `height`?)"),
        ("fc-to-conv", {"height": 6}, "demo fc-to-conv needs height and width of at least 7 (the head's window)"),
    ],
)
def test_bad_requests_are_refused_with_one_clear_message(name, params, message):
    with pytest.raises(UsageError) as caught:
        run_demo(name, params)
    assert str(caught.value) == message


def test_over_the_memory_cap_is_refused_with_the_estimate_before_anything_runs(monkeypatch):
    from dense1x1quiz.demos import shapes

    monkeypatch.setattr(shapes, "run", lambda p: pytest.fail("ran despite the cap"))
    params = {"height": 1000, "width": 1000, "cin": 100, "cout": 100}
    needed = estimate("shapes", resolve_params("shapes", params))
    assert needed > MEMORY_CAP
    with pytest.raises(UsageError) as caught:
        run_demo("shapes", params)
    assert str(caught.value) == f"shapes: these sizes need about {needed / 2**30:,.1f} GiB of arrays (limit 512 MiB)"


# moderately sized cases (10–40 MiB) where the arrays dominate the interpreter's own allocations
MEDIUM = {
    "shapes": {"height": 32, "width": 32, "cin": 64, "cout": 64, "batch": 2},
    "equivalence": {"height": 32, "width": 32, "cin": 64, "cout": 128, "batch": 4},
    "spatial": {"height": 12, "width": 12, "cin": 16, "cout": 16, "batch": 4},
    "nonlinearity": {"height": 32, "width": 32, "cin": 32, "cout": 128, "batch": 4},
    "bottleneck": {"height": 16, "width": 16, "cin": 128, "cout": 32, "batch": 2},
    "inception": {"height": 14, "width": 14, "cin": 64, "batch": 4},
    "mobilenet": {"height": 14, "width": 14, "cin": 64, "cout": 256, "batch": 4},
    "fc-to-conv": {"height": 14, "width": 14, "cin": 64, "cout": 128, "batch": 2},
    "frameworks": {"height": 32, "width": 32, "cin": 16, "cout": 32, "batch": 8},
}


@pytest.mark.parametrize("name", sorted(MEDIUM))
def test_memory_estimate_bounds_what_numpy_really_allocates(name):
    params = resolve_params(name, MEDIUM[name])
    tracemalloc.start()  # numpy reports its array buffers to tracemalloc
    try:
        run_demo(name, MEDIUM[name])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    needed = estimate(name, params)
    assert peak <= needed + 2**20, f"{name}: peak {peak:,} B above the estimate {needed:,} B"
    assert needed <= 4 * peak, f"{name}: estimate {needed:,} B far above the peak {peak:,} B"


def test_builtin_deck_demo_links_all_run_within_the_cap():
    from dense1x1quiz.catalog import find_decks

    links = {(c.demo.name, c.demo.params) for e in find_decks() if e.deck for c in e.deck.cards if c.demo}
    for name, params in links:
        resolved = resolve_params(name, dict(params))
        assert estimate(name, resolved) < MEMORY_CAP / 4, (name, params)


def test_formatting_helpers():
    assert sci(0) == "0" and sci(2.384e-07) == "2.4×10⁻⁷" and sci(1.53) == "1.53" and sci(3e5) == "3.0×10⁵"
    assert num(568_740_352) == "568,740,352" and shape((1, 2048, 7, 7)) == "1×2,048×7×7"
    assert seconds(0.01234) == "12.3 ms" and seconds(2.5) == "2.50 s" and seconds(4e-5) == "40 µs"


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(demos.DEMOS)),
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    cin=st.integers(1, 6),
    cout=st.integers(1, 6),
    batch=st.integers(1, 2),
    seed=st.integers(0, 99),
)
def test_any_small_size_runs_and_no_check_fails(name, h, w, cin, cout, batch, seed):
    params = {"height": h, "width": w, "cin": cin, "batch": batch, "seed": seed}
    if "cout" in demos.DEMOS[name].params:
        params["cout"] = cout
    try:
        result = run_demo(name, params)
    except UsageError as refused:  # only fc-to-conv refuses small maps, and says why
        assert name == "fc-to-conv" and min(h, w) < 7 and "at least 7" in str(refused)
        return
    assert [c.label for c in result.checks if c.status == "failed"] == []
    json.dumps(result.to_json())


def test_fc_to_conv_samples_the_windows_of_a_big_map():
    from dense1x1quiz.demos.runner import run_demo

    result = run_demo("fc-to-conv", {"height": 300, "width": 300, "cin": 1, "cout": 1})
    [check] = [c for c in result.checks if "scores = dense head" in c.label]
    assert check.label == "300×300: 1,024 sampled 294×294 scores = dense head on its window"
    assert check.max_diff < 1e-4
    assert result.figures["score_map"] == [1, 10, 294, 294]
