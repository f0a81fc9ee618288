"""Issue #16: models and data behind ``s3://`` URLs, read header-first from a real S3-protocol
server (moto in server mode, its own process), and per-file work on a real Dask LocalCluster.
Every result is compared with the same command run on the local files."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lstmdiag
from lstmdiag.data.discover import describe_paths

from .conftest import DATA, FIXTURES, MODELS, run_cli
from .s3server import moto_server, use_endpoint

s3fs = pytest.importorskip("s3fs", reason="the cloud extra (s3fs) is not installed")
pytest.importorskip("moto", reason="moto is not installed")

pytestmark = [pytest.mark.remote, pytest.mark.xdist_group("remote")]
BUCKET = "lstmdiag-fixtures"
URL = f"s3://{BUCKET}"


@pytest.fixture(scope="module")
def s3() -> Iterator[Any]:
    """The fixtures uploaded to a fresh moto server; yields an s3fs filesystem on it."""
    with moto_server() as endpoint:
        use_endpoint(endpoint)
        fs = s3fs.S3FileSystem(skip_instance_cache=True)
        fs.mkdir(BUCKET)
        fs.put(str(DATA), f"{BUCKET}/data", recursive=True)
        fs.put(str(FIXTURES / "ragged"), f"{BUCKET}/ragged", recursive=True)
        fs.put(str(FIXTURES / "tables"), f"{BUCKET}/tables", recursive=True)
        for name in (
            "seq_fixed.keras",
            "seq_fixed.h5",
            "seq_fixed.json",
            "embed_maskzero_gru.keras",
        ):
            fs.put_file(str(MODELS / "k3" / name), f"{BUCKET}/models/{name}")
        fs.endpoint = endpoint
        yield fs
        import fsspec

        fsspec.config.conf.clear()


def _local(text: str) -> str:
    """A remote run's output with its URLs turned back into the local fixture paths."""
    text = text.replace(f"{URL}/models/", f"{MODELS}/k3/")
    return text.replace(f"{URL}/", f"{FIXTURES}/")


@pytest.mark.parametrize("deep", [False, True])
def test_check_over_s3_equals_local(s3: Any, deep: bool) -> None:
    flags = ["--deep"] if deep else []
    here = run_cli("check", MODELS / "k3/seq_fixed.keras", DATA, "-f", "json", *flags)
    there = run_cli("check", f"{URL}/models/seq_fixed.keras", f"{URL}/data", "-f", "json", *flags)
    assert there.exit_code == here.exit_code == 1
    assert json.loads(_local(there.stdout)) == json.loads(here.stdout)


def test_table_names_objects_below_their_common_prefix(s3: Any) -> None:
    """The table's "in BASE/" line keeps the URL's scheme (it once printed s3:/...)."""
    there = run_cli("check", f"{URL}/models/seq_fixed.keras", f"{URL}/data")
    lines = there.stdout.splitlines()
    assert lines[0] == f"in {URL}/data/"
    assert any(line.startswith(" ok.npy ") for line in lines)


@pytest.mark.parametrize("name", ["seq_fixed.keras", "seq_fixed.h5", "seq_fixed.json"])
def test_inspect_over_s3_equals_local(s3: Any, name: str) -> None:
    here = run_cli("inspect", MODELS / "k3" / name, "-f", "json")
    there = run_cli("inspect", f"{URL}/models/{name}", "-f", "json")
    assert there.exit_code == here.exit_code == 0, there.output
    assert json.loads(_local(there.stdout)) == json.loads(here.stdout)


def test_savedmodel_prefix_over_s3(s3: Any) -> None:
    """A SavedModel folder behind a prefix: only its protobufs are fetched."""
    folder = MODELS / "k3/two_input_export"
    s3.put(str(folder), f"{BUCKET}/models/export", recursive=True)
    here = run_cli("inspect", folder, "-f", "json")
    there = run_cli("inspect", f"{URL}/models/export", "-f", "json")
    assert there.exit_code == here.exit_code == 0, there.output
    mine = json.loads(there.stdout.replace(f"{URL}/models/export", str(folder)))
    assert mine == json.loads(here.stdout)


def test_hdf5_csv_and_globs_over_s3(s3: Any) -> None:
    """HDF5 (through a block-cached file object), CSV, and a glob that lists like a folder."""
    here = describe_paths([str(FIXTURES / "ragged"), str(FIXTURES / "tables")])
    there = describe_paths([f"{URL}/ragged", f"{URL}/tables"])
    assert [(i.key, i.shape, i.dtype, i.ragged, i.problem) for i in there] == [
        (i.key, i.shape, i.dtype, i.ragged, i.problem) for i in here
    ]
    assert [list(i.lengths) for i in there if i.ragged] == [
        list(i.lengths) for i in here if i.ragged
    ]
    globbed = describe_paths([f"{URL}/data/*s*.npy"])
    assert [i.path for i in globbed] == [
        f"{URL}/data/extra_axis.npy",
        f"{URL}/data/short.npy",
        f"{URL}/data/wrong_features.npy",
    ]


def test_stats_over_s3_equals_local(s3: Any) -> None:
    names = ("ok.npy", "short.npy", "long.npy")
    here = run_cli("stats", *(DATA / n for n in names), "-f", "json")
    there = run_cli("stats", *(f"{URL}/data/{n}" for n in names), "-f", "json")
    assert there.exit_code == here.exit_code == 0
    assert json.loads(there.stdout) == json.loads(here.stdout)
    plotted = run_cli("stats", f"{URL}/data/ok.npy", "--plot", f"{URL}/plots/lengths.png")
    assert plotted.exit_code == 0, plotted.output
    assert s3.cat_file(f"{BUCKET}/plots/lengths.png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_npz_over_s3(s3: Any, tmp_path: Path) -> None:
    """An .npz is read through its zip central directory; a value check streams a member."""
    local = tmp_path / "pack.npz"
    np.savez_compressed(local, x=np.ones((2, 10, 8), np.float32), y=np.array([0, 1]))
    s3.put_file(str(local), f"{BUCKET}/npz/pack.npz")
    here = run_cli("check", MODELS / "k3/seq_fixed.keras", local, "-f", "json", "--deep")
    there = run_cli(
        "check", f"{URL}/models/seq_fixed.keras", f"{URL}/npz/pack.npz", "-f", "json", "--deep"
    )
    assert there.exit_code == here.exit_code
    mine = json.loads(_local(there.stdout).replace(f"{FIXTURES}/npz/pack.npz", str(local)))
    assert mine == json.loads(here.stdout)


def test_missing_object_is_a_finding_and_missing_model_exits_2(s3: Any) -> None:
    result = run_cli(
        "check", f"{URL}/models/seq_fixed.keras", f"{URL}/data/ok.npy", f"{URL}/nope.npy"
    )
    assert result.exit_code == 1
    assert "no such file" in result.stdout
    result = run_cli("inspect", f"{URL}/models/missing.keras")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {URL}/models/missing.keras: no such file"
    ]


def test_header_reads_cost_one_request_per_object(s3: Any, tmp_path: Path) -> None:
    """60 .npy objects under a prefix: one listing plus one ranged GET each (counted by
    the server), never the data."""
    for i in range(60):
        np.save(tmp_path / f"s{i:02d}.npy", np.zeros((1, 500, 64), np.float32))  # 128 KB each
    s3.put(str(tmp_path), f"{BUCKET}/many", recursive=True)
    recorder = s3.endpoint + "/moto-api/recorder"
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(recorder + "/reset-recording", method="POST"))
    urllib.request.urlopen(urllib.request.Request(recorder + "/start-recording", method="POST"))
    infos = describe_paths([f"{URL}/many"])
    urllib.request.urlopen(urllib.request.Request(recorder + "/stop-recording", method="POST"))
    with urllib.request.urlopen(recorder + "/download-recording") as resp:
        log = [json.loads(line) for line in resp.read().decode().splitlines() if line.strip()]
    assert len(infos) == 60 and all(i.shape == (1, 500, 64) for i in infos)
    gets = [r for r in log if r["method"] == "GET" and re.search(r"/s\d\d\.npy", r["url"])]
    ranges = {r["headers"].get("Range") for r in gets}
    assert len(gets) == 60 and ranges == {"bytes=0-4095"}
    assert len(log) <= 60 + 2  # + the listing (one page)


def test_missing_cloud_extra_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    result = run_cli("check", MODELS / "k3/seq_fixed.keras", "s3://bucket/data/")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: s3://bucket/data/: reading URLs needs the cloud extra: "
        "pip install 'lstmdiag[cloud]'"
    ]


def test_storage_option_reaches_the_backend(s3: Any) -> None:
    """``--storage-option`` values are JSON when they parse: a wrong endpoint given this way
    wins over the environment's, so the object cannot be read."""
    result = run_cli(
        "inspect",
        f"{URL}/models/seq_fixed.keras",
        "--storage-option",
        'client_kwargs={"endpoint_url": "http://127.0.0.1:9"}',
        "--storage-option",
        'config_kwargs={"retries": {"max_attempts": 1}}',
    )
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    assert run_cli("inspect", f"{URL}/models/seq_fixed.keras").exit_code == 0
    bad = run_cli("inspect", f"{URL}/models/seq_fixed.keras", "--storage-option", "novalue")
    assert bad.exit_code == 2
    assert "--storage-option takes KEY=VALUE, not 'novalue'" in bad.stderr


# --- Outputs to object storage ------------------------------------------------------------


def _seqs(folder: Path) -> Path:
    folder.mkdir()
    for i, steps in enumerate((4, 10, 12)):
        np.save(folder / f"s{i}.npy", np.arange(steps * 8, dtype=np.float32).reshape(1, steps, 8))
    return folder


def _objects(s3: Any, prefix: str) -> dict[str, bytes]:
    return {p.split(prefix, 1)[1]: s3.cat_file(p) for p in s3.find(f"{BUCKET}/{prefix}")}


@pytest.mark.parametrize("mode", ["--out", "--stack"])
def test_pad_to_s3_equals_local(s3: Any, tmp_path: Path, mode: str) -> None:
    data = _seqs(tmp_path / "in")
    local = tmp_path / ("out" if mode == "--out" else "out/padded.npy")
    url = f"{URL}/pad{mode[2:]}" + ("" if mode == "--out" else "/padded.npy")
    args = ["pad", data, "--maxlen", "10", "--padding", "post", "--mask", "-f", "json"]
    here = run_cli(*args, mode, local)
    there = run_cli(*args, mode, url)
    assert here.exit_code == there.exit_code == 0, there.output
    root = tmp_path / "out"
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    assert _objects(s3, f"pad{mode[2:]}/") == files and len(files) >= 2
    shown = json.loads(
        there.stdout.replace(url.rsplit("/", 1)[0] if mode == "--stack" else url, str(root))
    )
    assert shown == json.loads(here.stdout)
    again = run_cli(*args, mode, url)
    assert again.exit_code == 2
    assert "exists; use --force to overwrite it" in again.stderr
    assert run_cli(*args, mode, url, "--force").exit_code == 0


def test_window_to_s3_from_s3(s3: Any, tmp_path: Path) -> None:
    args = ["window", "-T", "16", "--stride", "4", "-f", "json"]
    here = run_cli(*args, FIXTURES / "tables/sensors.csv", "--out", tmp_path / "w")
    there = run_cli(*args, f"{URL}/tables/sensors.csv", "--out", f"{URL}/windows")
    assert here.exit_code == there.exit_code == 0, there.output
    assert _objects(s3, "windows/") == {"sensors.npy": (tmp_path / "w/sensors.npy").read_bytes()}


def test_outputs_never_inside_an_input_prefix(s3: Any) -> None:
    for name in ("ok.npy", "short.npy"):
        s3.put_file(str(DATA / name), f"{BUCKET}/own/{name}")
    given = [f"{URL}/own/ok.npy", f"{URL}/own/short.npy"]
    result = run_cli("pad", *given, "--maxlen", "10", "--out", f"{URL}/own/padded")
    assert result.exit_code == 0  # files given one by one: their folder is not an input
    inside = run_cli("pad", f"{URL}/own", "--maxlen", "10", "--out", f"{URL}/own/padded2")
    assert inside.exit_code == 2
    assert inside.stderr.strip() == (
        f"error: the output {URL}/own/padded2 is inside the input {URL}/own; "
        "lstmdiag never writes into the input tree"
    )
    assert not s3.exists(f"{BUCKET}/own/padded2")
    both = run_cli("pad", *given, "--maxlen", "10", "--out", f"{URL}/o", "--stack", f"{URL}/s.npy")
    assert both.exit_code == 2
    assert "give exactly one of --out DIR" in both.stderr


def test_a_failed_upload_leaves_nothing(
    s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upload breaks after its first part: the multipart upload is aborted, no object
    appears, and none is left pending on the server."""
    from lstmdiag.transform import remote_outputs as write

    big = tmp_path / "big.npy"
    np.save(big, np.zeros((1, 300, 20000), np.float32))  # 24 MB: two parts of 16 MiB
    monkeypatch.setattr(write, "UPLOAD_PART", 5 << 20)
    real = write.Path.open

    def breaking(self: Path, *a: Any, **k: Any) -> Any:
        fh = real(self, *a, **k)
        if "lstmdiag-upload-" in str(self):
            calls = {"n": 0}
            read = fh.read

            def read_twice(n: int = -1) -> bytes:
                calls["n"] += 1
                if calls["n"] > 2:
                    raise OSError("network gone")
                return read(n)

            fh.read = read_twice
        return fh

    monkeypatch.setattr(write.Path, "open", breaking)
    result = run_cli("pad", big, "--maxlen", "300", "--out", f"{URL}/broken")
    assert result.exit_code == 2
    assert "nothing partial was left" in result.stderr
    assert not s3.exists(f"{BUCKET}/broken/big.npy")
    pending = s3.call_s3("list_multipart_uploads", Bucket=BUCKET).get("Uploads", [])
    assert [u for u in pending if u["Key"].startswith("broken/")] == []


# --- Dask: a real LocalCluster -------------------------------------------------------------

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")


@pytest.fixture(scope="module")
def cluster(s3: Any) -> Iterator[str]:
    """Two single-threaded worker processes; yields the scheduler's address. Started after
    the S3 server: workers find it (and its credentials) in their environment, like any
    S3 client."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, dashboard_address=":0", silence_logs=40
    ) as local:
        yield local.scheduler_address


@pytest.mark.dask
@pytest.mark.parametrize("model", ["seq_fixed.keras", "embed_maskzero_gru.keras"])
def test_check_deep_on_a_cluster_equals_local(cluster: str, model: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    rng = np.random.default_rng(0)
    for i in range(9):
        np.save(data / f"f{i}.npy", rng.normal(size=(3, 10, 8)).astype(np.float32))
        np.save(data / f"t{i}.npy", rng.integers(-1, 20000, size=(2, 7)))
    np.save(data / "nan.npy", np.full((1, 10, 8), np.nan, np.float32))
    for fmt in ("json", "table", "sarif"):
        here = run_cli("check", MODELS / "k3" / model, data, "--deep", "-f", fmt)
        there = run_cli(
            "check", MODELS / "k3" / model, data, "--deep", "-f", fmt, "--dask", cluster
        )
        assert there.exit_code == here.exit_code == 1
        assert there.stdout == here.stdout


@pytest.mark.dask
def test_s3_data_on_a_cluster(s3: Any, cluster: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers read the objects themselves (they get the run's storage options); the address
    comes from LSTMDIAG_DASK."""
    here = run_cli("check", MODELS / "k3/seq_fixed.keras", DATA, "--deep", "-f", "json")
    monkeypatch.setenv("LSTMDIAG_DASK", cluster)
    there = run_cli("check", f"{URL}/models/seq_fixed.keras", f"{URL}/data", "--deep", "-f", "json")
    assert there.exit_code == here.exit_code == 1
    assert json.loads(_local(there.stdout)) == json.loads(here.stdout)
    names = ("ok.npy", "short.npy", "long.npy")
    stats = run_cli("stats", *(f"{URL}/data/{n}" for n in names), "-f", "json")
    local = run_cli("stats", *(DATA / n for n in names), "-f", "json", "--dask", "none")
    assert json.loads(stats.stdout) == json.loads(local.stdout)


@pytest.mark.dask
def test_api_client_and_refusals(cluster: str) -> None:
    with distributed.Client(cluster) as client:
        report = lstmdiag.check(MODELS / "k3/seq_fixed.keras", DATA, deep=True, client=client)
    assert report == lstmdiag.check(MODELS / "k3/seq_fixed.keras", DATA, deep=True)
    both = run_cli(
        "check", MODELS / "k3/seq_fixed.keras", DATA, "--shard", "0/2", "--dask", cluster
    )
    assert both.exit_code == 2
    assert "--shard and --dask: give one" in both.stderr
    gone = run_cli("check", MODELS / "k3/seq_fixed.keras", DATA, "--dask", "tcp://127.0.0.1:9")
    assert gone.exit_code == 2
    assert gone.stderr.startswith("error: --dask tcp://127.0.0.1:9: cannot reach the scheduler")


@pytest.mark.dask
def test_pad_and_window_on_a_cluster_write_to_s3(s3: Any, cluster: str, tmp_path: Path) -> None:
    """Workers write the outputs and upload them themselves; objects and reports equal a
    local run's."""
    data = _seqs(tmp_path / "in")
    for i in range(3, 9):
        np.save(data / f"s{i}.npy", np.ones((2, i + 1, 8), np.float32))
    args = ["pad", data, "--maxlen", "6", "--mask", "-f", "json"]
    here = run_cli(*args, "--out", tmp_path / "out")
    there = run_cli(*args, "--out", f"{URL}/cpad", "--dask", cluster)
    assert here.exit_code == there.exit_code == 0, there.output
    root = tmp_path / "out"
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")}
    assert _objects(s3, "cpad/") == files and len(files) == 18
    assert json.loads(there.stdout.replace(f"{URL}/cpad", str(root))) == json.loads(here.stdout)

    args = ["window", "-T", "8", "-f", "json", f"{URL}/tables/sensors.csv"]
    here = run_cli(*args, "--out", tmp_path / "w")
    there = run_cli(*args, "--out", f"{URL}/cwin", "--dask", cluster)
    assert here.exit_code == there.exit_code == 0, there.output
    assert _objects(s3, "cwin/") == {"sensors.npy": (tmp_path / "w/sensors.npy").read_bytes()}


# --- Plain HTTP(S): any fsspec backend, not only S3 -----------------------------------------


@pytest.fixture(scope="module")
def http_root() -> Iterator[str]:
    """``python -m http.server`` over the fixtures folder."""
    from .s3server import _free_port, serving

    port = _free_port()
    root = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with serving(cmd, root + "/", FIXTURES):
        yield root


def test_check_over_http_equals_local(http_root: str) -> None:
    """An https:// model and data (http here: same backend): a single file, then a
    listed "folder" (the server's index page)."""
    model = f"{http_root}/models/k3/seq_fixed.keras"
    here = run_cli("check", MODELS / "k3/seq_fixed.keras", f"{DATA}/", "-f", "json")
    there = run_cli("check", model, f"{http_root}/data/", "-f", "json")
    assert there.exit_code == here.exit_code == 1, there.output
    text = there.stdout.replace(f"{http_root}/models/k3/", f"{MODELS}/k3/")
    assert json.loads(text.replace(f"{http_root}/", f"{FIXTURES}/")) == json.loads(here.stdout)


def test_input_mapping_to_urls(s3: Any, http_root: str) -> None:
    """``--input NAME=URL`` alone gives the data: the scheme's colon (and a host:port) is
    not taken for a ``PATH:KEY`` separator."""
    for url in (f"{URL}/data/ok.npy", f"{http_root}/data/ok.npy"):
        result = run_cli(
            "check", MODELS / "k3/seq_fixed.keras", "--input", f"input_layer={url}", "-f", "json"
        )
        assert result.exit_code == 0, result.output
        files = json.loads(result.stdout)["files"]
        assert [(f["path"], f["input"]) for f in files] == [(url, "input_layer")]


@pytest.mark.keras
def test_verify_data_with_model_and_data_in_s3(s3: Any) -> None:
    """--verify-data: Keras loads a fetched copy of the model; the child reads the rows it
    feeds straight from the objects."""
    names = ("short.npy", "ok.npy")
    args = ("--verify-data", "-f", "json")
    here = run_cli("check", MODELS / "k3/seq_fixed.keras", *(DATA / n for n in names), *args)
    there = run_cli(
        "check", f"{URL}/models/seq_fixed.keras", *(f"{URL}/data/{n}" for n in names), *args
    )
    assert there.exit_code == here.exit_code == 1, there.output
    assert json.loads(_local(there.stdout)) == json.loads(here.stdout)
    ran = [f["message"] for f in json.loads(there.stdout)["findings"] if f["kind"] == "keras"]
    assert [m.split(" (")[0].split(" ran ")[1] for m in ran] == [
        "the first 1 samples",
        "the first 3 samples",
    ]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (ModuleNotFoundError("No module named 'lstmdiag'"), "the Dask workers cannot import"),
        (RuntimeError("worker died"), "a task failed on the Dask cluster: RuntimeError: worker"),
    ],
)
def test_cluster_failures_are_one_line(error: Exception, message: str) -> None:
    """What a broken cluster raises on gather becomes one error line, exit 2."""

    class Broken:
        def scheduler_info(self) -> dict[str, Any]:
            return {"workers": {"w": {"nthreads": 2}}}

        def map(self, *args: Any, **kwargs: Any) -> list[None]:
            return []

        def gather(self, futures: Any) -> Any:
            raise error

    from lstmdiag.distribute import cluster

    with pytest.raises(lstmdiag.LstmdiagError, match=message):
        cluster.map_ordered(Broken(), str, [1, 2])
    with pytest.raises(lstmdiag.LstmdiagError, match=message):
        lstmdiag.check(MODELS / "k3/seq_fixed.keras", DATA, client=Broken())


def test_merge_reports_from_s3(s3: Any) -> None:
    """Shard reports a job array wrote to a bucket: merged from a glob, as one run."""
    model = MODELS / "k3/seq_fixed.keras"
    for index in range(3):
        shard = run_cli("check", model, DATA, "--shard", f"{index}/3", "-f", "json")
        s3.pipe_file(f"{BUCKET}/reports/shard-{index}.json", shard.stdout.encode())
    whole = run_cli("check", model, DATA, "-f", "json")
    merged = run_cli("merge", f"{URL}/reports/shard-*.json", "-f", "json")
    assert merged.exit_code == whole.exit_code == 1, merged.output
    assert json.loads(merged.stdout) == json.loads(whole.stdout)
    gone = run_cli("merge", f"{URL}/reports/nope.json")
    assert gone.exit_code == 2
    assert gone.stderr.strip() == f"error: {URL}/reports/nope.json: cannot read: no such file"


def test_window_stack_to_s3(s3: Any, tmp_path: Path) -> None:
    args = ["window", "-T", "8", "--stride", "3", f"{URL}/tables/sensors.csv"]
    here = run_cli(*args, "--stack", tmp_path / "w.npy")
    there = run_cli(*args, "--stack", f"{URL}/stacked/w.npy")
    assert here.exit_code == there.exit_code == 0, there.output
    assert _objects(s3, "stacked/") == {"w.npy": (tmp_path / "w.npy").read_bytes()}


def test_remote_settings_from_pyproject(tmp_path: Path) -> None:
    from lstmdiag.pyproject import load_settings
    from lstmdiag.settings import dask_address

    conf = tmp_path / "pyproject.toml"
    conf.write_text(
        "[tool.lstmdiag]\n"
        'inputs = ["s3://bucket/data/"]\n'
        'model = "gs://bucket/m.keras"\n'
        "storage-options = { anon = true }\n"
        "concurrency = 8\n"
        'dask = "tcp://scheduler:8786"\n'
        "[tool.lstmdiag.pad]\n"
        'out = "s3://bucket/padded/"\n'
    )
    settings = load_settings(str(conf))
    assert settings.inputs == ("s3://bucket/data/",)  # URLs are not made relative
    assert settings.model == "gs://bucket/m.keras"
    assert settings.pad["out"] == "s3://bucket/padded/"
    assert (settings.storage_options, settings.concurrency) == ({"anon": True}, 8)
    assert dask_address(settings, None) == "tcp://scheduler:8786"
    assert dask_address(settings, "none") is None
    conf.write_text("[tool.lstmdiag]\nconcurrency = 0\n")
    with pytest.raises(lstmdiag.LstmdiagError, match="'concurrency' must be a whole number"):
        load_settings(str(conf))


# --- az:// against Azurite (Microsoft's own Azure Storage emulator, from npm) ----------------

AZURITE_KEY = (  # Azurite's published development account key
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


def _azurite() -> str | None:
    import shutil

    local = FIXTURES.parent / ".cache/azurite/node_modules/.bin/azurite-blob"
    return str(local) if local.exists() else shutil.which("azurite-blob")


@pytest.fixture(scope="module")
def azure(monkeypatch_module: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Azurite's blob service on a free port, found through the standard
    AZURE_STORAGE_CONNECTION_STRING; yields an adlfs filesystem with the fixtures in it."""
    adlfs = pytest.importorskip("adlfs", reason="the cloud extra (adlfs) is not installed")
    binary = _azurite()
    if binary is None:
        pytest.skip("azurite is not installed (.ci/run installs it: npm install azurite)")
    from .s3server import _free_port, serving

    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}/devstoreaccount1"
    cmd = [binary, "--silent", "--inMemoryPersistence", "--skipApiVersionCheck"]
    cmd += ["--blobHost", "127.0.0.1", "--blobPort", str(port)]
    with serving(cmd, endpoint + "?comp=list", tmp_path_factory.mktemp("azurite")):
        conn = (
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            f"AccountKey={AZURITE_KEY};BlobEndpoint={endpoint};"
        )
        monkeypatch_module.setenv("AZURE_STORAGE_CONNECTION_STRING", conn)
        fs = adlfs.AzureBlobFileSystem(connection_string=conn, skip_instance_cache=True)
        fs.mkdir("fixtures")
        fs.put(str(DATA), "fixtures/data", recursive=True)
        fs.put_file(str(MODELS / "k3/seq_fixed.h5"), "fixtures/models/seq_fixed.h5")
        yield fs


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_check_and_pad_over_azure(azure: Any, tmp_path: Path) -> None:
    """az:// through adlfs: an HDF5 model and .npy data read header-first, and padded
    copies uploaded (block list committed only at the end) equal to local ones."""
    here = run_cli("check", MODELS / "k3/seq_fixed.h5", DATA, "-f", "json")
    there = run_cli(
        "check", "az://fixtures/models/seq_fixed.h5", "az://fixtures/data", "-f", "json"
    )
    assert there.exit_code == here.exit_code == 1, there.output
    text = there.stdout.replace("az://fixtures/models/", f"{MODELS}/k3/")
    assert json.loads(text.replace("az://fixtures/", f"{FIXTURES}/")) == json.loads(here.stdout)
    names = [DATA / "ok.npy", DATA / "short.npy", DATA / "long.npy"]
    args = ["pad", *names, "--maxlen", "10", "--mask"]
    assert run_cli(*args, "--out", tmp_path / "p").exit_code == 0
    result = run_cli(*args, "--out", "az://fixtures/padded")
    assert result.exit_code == 0, result.output
    got = {p.rsplit("/", 1)[1]: azure.cat_file(p) for p in azure.find("fixtures/padded")}
    assert got == {p.name: p.read_bytes() for p in (tmp_path / "p").iterdir()}
    assert len(got) == 6


# --- gs:// against gcp-storage-emulator (a GCS JSON-API server, from PyPI) -------------------


@pytest.fixture(scope="module")
def gcs(monkeypatch_module: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The emulator on a free port, found through the standard STORAGE_EMULATOR_HOST; yields
    a gcsfs filesystem with the fixtures in it."""
    import shutil

    binary = shutil.which("gcp-storage-emulator", path=str(Path(sys.executable).parent))
    if binary is None:
        pytest.skip("gcp-storage-emulator is not installed (the dev extra has it)")
    from .s3server import _free_port, serving

    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    # gcsfs >= 2025.x asks a gRPC control plane for each bucket's layout first; emulators have
    # none (it waits 60 s per bucket), so its documented switch turns that off.
    monkeypatch_module.setenv("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")
    monkeypatch_module.setenv("STORAGE_EMULATOR_HOST", host)
    gcsfs = pytest.importorskip("gcsfs", reason="the cloud extra (gcsfs) is not installed")
    cmd = [binary, "start", "--host", "127.0.0.1", "--port", str(port), "--in-memory"]
    with serving(cmd, host + "/storage/v1/b", tmp_path_factory.mktemp("gcs")):
        fs = gcsfs.GCSFileSystem(token="anon", project="test", skip_instance_cache=True)
        fs.mkdir("fixtures")
        fs.put(str(DATA), "fixtures/data", recursive=True)
        fs.put_file(str(MODELS / "k3/seq_fixed.json"), "fixtures/models/seq_fixed.json")
        yield fs


def test_check_and_pad_over_gcs(gcs: Any, tmp_path: Path) -> None:
    """gs:// through gcsfs, anonymous credentials given as a storage option."""
    anon = ("--storage-option", "token=anon")
    here = run_cli("check", MODELS / "k3/seq_fixed.json", DATA, "-f", "json")
    there = run_cli(
        "check", "gs://fixtures/models/seq_fixed.json", "gs://fixtures/data", *anon, "-f", "json"
    )
    assert there.exit_code == here.exit_code == 1, there.output
    text = there.stdout.replace("gs://fixtures/models/", f"{MODELS}/k3/")
    assert json.loads(text.replace("gs://fixtures/", f"{FIXTURES}/")) == json.loads(here.stdout)
    args = ["pad", DATA / "ok.npy", DATA / "short.npy", "--maxlen", "10", "--mask"]
    assert run_cli(*args, "--out", tmp_path / "p").exit_code == 0
    result = run_cli(*args, "--out", "gs://fixtures/padded", *anon)
    assert result.exit_code == 0, result.output
    got = {p.rsplit("/", 1)[1]: gcs.cat_file(p) for p in gcs.find("fixtures/padded")}
    assert got == {p.name: p.read_bytes() for p in (tmp_path / "p").iterdir()}
    assert len(got) == 4
