"""Build benchmarks/action_data/real_anchored.json: the gold learnings of the real sessions (their texts from
benchmarks/real_sessions/<stem>/learnings.json, written by the learnings work) with the anchors we gave each by
reading it -- the files, symbols and commands a careful extractor would tie it to. Written before the replay
was run; gold categories are mapped onto the store's (gotcha -> fix, fact -> tip, instruction -> preference).

    python -m benchmarks.action_data.build_anchored
"""
import json

from benchmarks.harness import REPO

F = lambda v: {"kind": "file", "value": v}
C = lambda v: {"kind": "command", "value": v}
S = lambda v, f=None: {"kind": "symbol", "value": v, **({"file": f} if f else {})}
ANCHORS = {
 "sungather-charm-compact": {
  "g1": [F("rock/rockcraft.yaml"), F("src/charm.py")], "g2": [C("juju deploy"), C("juju attach-resource")],
  "g3": [C("juju exec"), C("kubectl exec")], "g4": [F("rock/rockcraft.yaml")],
  "g5": [F("src/charm.py")], "g6": [C("ctr images"), C("rockcraft.skopeo copy")],
  "g7": [C("rockcraft.skopeo copy")], "g8": [C("juju refresh"), C("charmcraft pack")],
  "g9": [C("tox -e unit")], "g10": [C("tox -e integration")]},
 "sungather-mock-server": {
  "g1": [S("ModbusSlaveContext"), S("ModbusDeviceIdentification"), S("ModbusDeviceContext")],
  "g2": [S("ModbusServerContext")], "g3": [S("getValues"), S("setValues"), F("pyproject.toml")],
  "g4": [C("tox -e format"), C("tox -e lint")], "g5": [C("tox -e unit")], "g6": [C("pytest")],
  "g7": [C("tox -e integration")], "g8": [F("tests/integration/mock_sungrow/modbus_server.py"), S("MockSungrowServer")],
  "g9": []},
 "sungather-rock-ci": {
  "g1": [F(".github/workflows/ci.yaml"), C("rockcraft pack")], "g2": [F(".github/workflows/ci.yaml")],
  "g3": [F(".github/workflows/ci.yaml")], "g4": [F(".github/workflows/ci.yaml")], "g5": [C("charmcraft pack")],
  "g6": [F(".github/workflows/ci.yaml"), C("charmcraft pack")], "g7": [C("gh")], "g8": [C("gh run")]},
 "kimuson-todo-app": {"g1": [C("create-next-app")], "g2": [C("npm")]},
 "kimuson-claudemd-update-ja": {"g1": [C("tree")], "g2": [F("CLAUDE.md"), C("npm run")]},
 "episodic-memory-prisma-ci-1x": {
  "g1": [C("npm run check")], "g2": [F("biome.json"), C("biome check")], "g3": [C("npm run check")],
  "g4": [F("knip.json"), C("knip")], "g5": [F("package.json"), F("knip.json")],
  "g6": [F("app/routes/api.plan-stream.ts")], "g7": [S("sendToSession"), S("formatSSEMessage")],
  "g8": [C("git checkout")], "g9": [S("TextDecoder")], "g10": [S("destroySession")],
  "g11": [F("app/routes/api.plan-stream.ts"), S("requireUser")]},
 "episodic-memory-agent-research-2x": {
  "g1": [C("docker"), C("container"), F("docker/Containerfile")], "g2": [], "g3": [S("playwright")],
  "g4": [F("docker/Containerfile")], "g5": [C("npm run build"), F("run.sh")], "g6": []},
 "claude-code-log-renderer-1x": {
  "g1": [C("pytest")], "g2": [C("ruff check"), C("ruff format")], "g3": [S("CacheManager")],
  "g4": [S("generate_session_html", "claude_code_log/renderer.py"), F("claude_code_log/renderer.py")],
  "g5": [S("generate_html"), F("claude_code_log/templates/transcript.html")], "g6": [C("cd")]},
 "deep-manifest-plan-mode": {
  "g1": [C("pytest")], "g2": [C("pytest")], "g3": [C("ruff check")], "g4": [S("extractfile")],
  "g5": [S("tarfile.open")], "g6": [S("ManifestEntry")]},
 "jssoundrecorder-revival": {
  "g1": [C("npm")], "g2": [], "g3": [C("pnpm dev")], "g4": [S("ScriptProcessor"), S("createScriptProcessor"),
                                                          F("js/lib/recorder-worklet.js")]},
 "mclaude-cosmic-applet-compact": {
  "g1": [F("Cargo.toml"), C("cargo build")], "g2": [F("Cargo.toml")], "g3": [S("cosmic::app::Message"), F("src/app.rs")],
  "g4": [C("cargo")], "g5": [C("sudo")], "g6": [C("setcap")], "g7": [C("cp"), C("killall")],
  "g8": [C("cosmic-screenshot"), C("grim"), C("scrot")], "g9": [C("killall cosmic-panel"), C("cosmic-panel")],
  "g10": [C("legion_cli"), C("legion-cli")], "g11": [C("powerprofilesctl")]},
 "mclaude-gitleaks-compact": {
  "g1": [C("gitleaks detect"), F(".git/hooks/pre-commit")], "g2": [F(".gitleaksignore")],
  "g3": [C("git-filter-repo"), C("git filter-repo")], "g4": [C("git-filter-repo"), C("git push")],
  "g5": [C("bfg"), C("brew install")], "g6": [C("sudo")]},
 "mclaude-router-ssh-compact": {"g1": [C("ipconfig")], "g2": [C("ssh")], "g3": [C("ssh")]},
 "session-share-dev": {
  "g1": [S("CLAUDE_SESSION_ID")], "g2": [C("claude")], "g3": [], "g4": [C("gh gist")], "g5": [F("claude-code-session-share/hooks/hooks.json")]},
 "bastion-hooks-progress": {"g1": [F("skills-lock.json"), C("sha256sum")]},
 "claude-code-log-task-teams": {"g1": [], "g2": [C("git merge")]},
}
root = REPO / "benchmarks" / "real_sessions"
projects = json.loads((REPO / "benchmarks" / "action_data" / "real_projects.json").read_text())
out = {"about": __doc__.split("\n\n")[0].replace("\n", " ")}
for project, stems in projects.items():
    items, seen = [], set()
    for stem in stems:
        gold = json.loads((root / stem / "learnings.json").read_text())
        for g in gold["learnings"]:
            if g["text"] in seen:
                continue
            seen.add(g["text"])
            category = {"gotcha": "fix", "fact": "tip", "instruction": "preference"}.get(g["category"], g["category"])
            items.append({"source": f"{stem}#{g['id']}", "category": category, "text": g["text"],
                          "anchors": ANCHORS[stem][g["id"]]})
    out[project] = items
(REPO / "benchmarks" / "action_data" / "real_anchored.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
print({k: len(v) for k, v in out.items() if k != "about"})
