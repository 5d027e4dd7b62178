//! Finding and installing the tools that the chores need.
//!
//! This module owns every decision about external programs: which versions the
//! project needs, how to tell quickly whether they are present, and how to install
//! them when they are not.
//! A run with everything installed must cost well under a second here, so every
//! check reads a version or looks for a file and installs nothing.
//!
//! Installed tools go where their ordinary installer puts them (`cargo install` into
//! the Cargo bin folder, `npm ci` into a project-local `node_modules`, `apt-get` for
//! the browser); the PATH with those folders in front is handed to child processes
//! only, never exported to the user's shell.
//! Nothing is ever downloaded from outside a package registry: wasm-pack is given a
//! matching `wasm-bindgen` and a `wasm-opt` on PATH so that it never tries to.

use std::env;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The wasm-pack version installed when none is present.
pub const WASM_PACK_VERSION: &str = "0.15.1";

/// The Rust target the web build compiles to.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The Debian packages that provide a headless browser and its WebDriver.
pub const BROWSER_PACKAGES: &[&str] = &["chromium", "chromium-driver"];

/// Where the chores look for Chromium; Debian's package installs it here.
pub const CHROMIUM_CANDIDATES: &[&str] = &["chromium", "chromium-browser"];

/// What to do about a tool, given the version found and the version wanted.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// The right version is present.
    Keep,
    /// Nothing usable is present.
    Install,
    /// Another version is present; the wanted one replaces it.
    Replace { found: String },
}

/// Decides whether a tool whose `--version` printed `found` (if it ran at all)
/// satisfies an exact `wanted` version.
pub fn decide_exact(found: Option<&str>, wanted: &str) -> Decision {
    match found {
        None => Decision::Install,
        Some(found) if found == wanted => Decision::Keep,
        Some(found) => Decision::Replace {
            found: found.to_string(),
        },
    }
}

/// The version in a tool's `--version` output such as `wasm-bindgen 0.2.130`
/// or `wasm-pack 0.15.1`: the first word after the tool's name that starts with
/// a digit, without any build suffix in parentheses.
pub fn parse_version_output(output: &str, tool: &str) -> Option<String> {
    let line = output
        .lines()
        .find(|line| line.trim_start().starts_with(tool))?;
    line.split_whitespace()
        .skip(1)
        .map(|word| word.trim_start_matches('v'))
        .find(|word| word.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_string)
}

/// The version of package `name` recorded in a Cargo.lock, if exactly one is.
///
/// Two versions of `wasm-bindgen` in one lockfile cannot be served by one CLI,
/// so that case is reported as `None` and the caller says so.
pub fn lock_package_version(lock: &str, name: &str) -> Option<String> {
    let mut versions = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let mut block_name = None;
        let mut block_version = None;
        for line in block.lines() {
            if let Some(value) = toml_string_value(line, "name") {
                block_name = Some(value);
            } else if let Some(value) = toml_string_value(line, "version") {
                block_version = Some(value);
            }
        }
        if block_name == Some(name) {
            if let Some(version) = block_version {
                versions.push(version.to_string());
            }
        }
    }
    match versions.as_slice() {
        [only] => Some(only.clone()),
        _ => None,
    }
}

/// The value of a `key = "value"` line, as Cargo writes them in Cargo.lock.
fn toml_string_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line
        .trim()
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?;
    rest.trim().strip_prefix('"')?.strip_suffix('"')
}

/// Whether the `node_modules` installed from a lockfile is out of date.
///
/// After each successful `npm ci` the chores copy the lockfile into
/// `node_modules/.xtask-lock`; the install is stale when that copy is missing or
/// differs, which covers a fresh clone, a deleted folder and an updated lockfile.
pub fn npm_install_is_stale(lockfile: &str, stamp: Option<&str>) -> bool {
    stamp != Some(lockfile)
}

/// Every program the chores run, resolved against one PATH: the user's PATH with
/// the Cargo bin folder and the project's npm tool folder in front.
pub struct Toolbox {
    root: PathBuf,
    path: OsString,
    cargo_bin: PathBuf,
    /// What has been checked already in this run, so each check runs once.
    checked: Vec<&'static str>,
}

impl Toolbox {
    pub fn new(root: &Path) -> Toolbox {
        let cargo_bin = cargo_bin_dir();
        let mut folders = vec![
            cargo_bin.clone(),
            npm_tools_dir(root).join("node_modules/.bin"),
        ];
        if let Some(path) = env::var_os("PATH") {
            folders.extend(env::split_paths(&path));
        }
        let path =
            env::join_paths(folders).unwrap_or_else(|_| env::var_os("PATH").unwrap_or_default());
        Toolbox {
            root: root.to_path_buf(),
            path,
            cargo_bin,
            checked: Vec::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The full path of `program` on the children's PATH.
    pub fn find(&self, program: &str) -> Option<PathBuf> {
        find_on_path(program, &self.path)
    }

    /// A command for `program`, resolved on the children's PATH (falling back to the
    /// bare name so that a missing program fails with the usual error), started in
    /// the project root with that PATH.
    pub fn command(&self, program: &str) -> Command {
        let resolved = self.find(program).unwrap_or_else(|| PathBuf::from(program));
        let mut command = Command::new(resolved);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    /// The Cargo that runs this xtask, so nested builds use the same toolchain.
    pub fn cargo(&self) -> Command {
        let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
        let mut command = Command::new(cargo);
        command.current_dir(&self.root).env("PATH", &self.path);
        command
    }

    /// Runs a check once per run; later calls return at once.
    fn once(&mut self, name: &'static str) -> bool {
        if self.checked.contains(&name) {
            return false;
        }
        self.checked.push(name);
        true
    }

    /// Whether the active toolchain has the standard library for wasm32.
    fn has_wasm_target(&self) -> Result<bool, String> {
        let rustc = env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
        let sysroot = Command::new(rustc)
            .args(["--print", "sysroot"])
            .env("PATH", &self.path)
            .current_dir(&self.root)
            .output()
            .map_err(|error| format!("cannot run rustc: {error}"))?;
        let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
        Ok(sysroot
            .join("lib/rustlib")
            .join(WASM_TARGET)
            .join("lib")
            .is_dir())
    }

    /// What the chores need and what this machine has, one line per tool, with
    /// whether it is ready; nothing is installed.
    pub fn report(&self) -> Vec<(bool, String)> {
        let shown_path = |program: &str| {
            self.find(program)
                .map(|path| path.display().to_string())
                .unwrap_or_else(|| "missing".to_string())
        };
        let mut lines = Vec::new();
        let target = self.has_wasm_target().unwrap_or(false);
        lines.push((target, format!("Rust target {WASM_TARGET}")));
        let wasm_pack = self.version_of("wasm-pack");
        lines.push((
            wasm_pack.is_some(),
            format!(
                "wasm-pack {} ({})",
                wasm_pack.as_deref().unwrap_or("-"),
                shown_path("wasm-pack")
            ),
        ));
        let wanted = self.wasm_bindgen_lock_version().unwrap_or_default();
        let found = self.version_of("wasm-bindgen");
        let runner = self.find("wasm-bindgen-test-runner").is_some();
        lines.push((
            decide_exact(found.as_deref(), &wanted) == Decision::Keep && runner,
            format!(
                "wasm-bindgen {} (Cargo.lock wants {wanted}; {}; test runner {})",
                found.as_deref().unwrap_or("-"),
                shown_path("wasm-bindgen"),
                if runner { "present" } else { "missing" }
            ),
        ));
        for program in ["node", "npm"] {
            let ready = self.find(program).is_some();
            lines.push((ready, format!("{program} ({})", shown_path(program))));
        }
        for (dir, what) in [
            (
                npm_tools_dir(&self.root),
                "wasm-opt (npm binaryen) and esbuild",
            ),
            (self.root.join("tests/e2e"), "end-to-end test packages"),
        ] {
            let lockfile = fs::read_to_string(dir.join("package-lock.json")).unwrap_or_default();
            let stamp = fs::read_to_string(dir.join("node_modules/.xtask-lock")).ok();
            let fresh = !npm_install_is_stale(&lockfile, stamp.as_deref());
            let state = if fresh { "installed" } else { "npm ci needed" };
            let shown_dir = shown(&dir, &self.root);
            lines.push((fresh, format!("{what}: {state} in {shown_dir}")));
        }
        let chromium = self.chromium();
        let chromium_path = chromium
            .as_ref()
            .map(|path| path.display().to_string())
            .unwrap_or_else(|| "missing".to_string());
        lines.push((chromium.is_some(), format!("chromium ({chromium_path})")));
        let chromedriver = self.find("chromedriver").is_some();
        lines.push((
            chromedriver,
            format!("chromedriver ({})", shown_path("chromedriver")),
        ));
        lines
    }

    /// Everything any chore needs, installed when missing.
    pub fn ensure_all(&mut self) -> Result<(), String> {
        self.ensure_wasm_target()?;
        self.ensure_wasm_pack()?;
        self.ensure_wasm_bindgen()?;
        self.ensure_wasm_opt()?;
        self.ensure_browser()?;
        let e2e = self.root.join("tests/e2e");
        self.ensure_npm_packages(&e2e, "the end-to-end test's packages", 15)
    }

    /// The Rust standard library for wasm32, added through rustup when missing.
    pub fn ensure_wasm_target(&mut self) -> Result<(), String> {
        if !self.once("wasm target") {
            return Ok(());
        }
        if self.has_wasm_target()? {
            return Ok(());
        }
        note(&format!(
            "adding the Rust target {WASM_TARGET} (about 20 s)…"
        ));
        let mut command = self.command("rustup");
        command.args(["target", "add", WASM_TARGET]);
        run_install(command, &format!("rustup target add {WASM_TARGET}"))
    }

    /// wasm-pack, installed from crates.io when missing.
    pub fn ensure_wasm_pack(&mut self) -> Result<(), String> {
        if !self.once("wasm-pack") {
            return Ok(());
        }
        // Any working wasm-pack will do: the project uses no recent flags.
        if self.version_of("wasm-pack").is_some() {
            return Ok(());
        }
        note(&format!(
            "installing wasm-pack {WASM_PACK_VERSION} from crates.io (about 2 min on an idle machine)…"
        ));
        self.cargo_install("wasm-pack", WASM_PACK_VERSION)
    }

    /// `wasm-bindgen` and `wasm-bindgen-test-runner` at exactly the version of the
    /// `wasm-bindgen` crate in Cargo.lock: the CLI refuses any other, and wasm-pack
    /// would otherwise try to download one.
    pub fn ensure_wasm_bindgen(&mut self) -> Result<(), String> {
        if !self.once("wasm-bindgen") {
            return Ok(());
        }
        let wanted = self.wasm_bindgen_lock_version()?;
        let found = self.version_of("wasm-bindgen");
        let mut decision = decide_exact(found.as_deref(), &wanted);
        if decision == Decision::Keep && self.find("wasm-bindgen-test-runner").is_none() {
            decision = Decision::Install;
        }
        match decision {
            Decision::Keep => return Ok(()),
            Decision::Install => note(&format!(
                "installing wasm-bindgen-cli {wanted} from crates.io (about 2 min on an idle machine)…"
            )),
            Decision::Replace { found } => note(&format!(
                "wasm-bindgen {found} is on PATH but Cargo.lock has {wanted}: \
                 installing wasm-bindgen-cli {wanted} from crates.io (about 2 min on an idle machine)…"
            )),
        }
        self.cargo_install("wasm-bindgen-cli", &wanted)?;
        match self.version_of("wasm-bindgen") {
            Some(version) if version == wanted => Ok(()),
            other => Err(format!(
                "installed wasm-bindgen-cli {wanted} into {}, but `wasm-bindgen --version` \
                 now reports {}; another wasm-bindgen earlier on PATH may shadow it",
                self.cargo_bin.display(),
                other.as_deref().unwrap_or("nothing")
            )),
        }
    }

    /// The version of the `wasm-bindgen` crate that Cargo.lock pins.
    pub fn wasm_bindgen_lock_version(&self) -> Result<String, String> {
        let lock_path = self.root.join("Cargo.lock");
        let lock = fs::read_to_string(&lock_path)
            .map_err(|error| format!("cannot read {}: {error}", lock_path.display()))?;
        lock_package_version(&lock, "wasm-bindgen").ok_or_else(|| {
            format!(
                "{} must name exactly one version of wasm-bindgen \
                 (Cargo.toml pins it with `=`)",
                lock_path.display()
            )
        })
    }

    /// Node.js and npm, from Debian when missing and running as root.
    pub fn ensure_node(&mut self) -> Result<(), String> {
        if !self.once("node") {
            return Ok(());
        }
        if self.find("node").is_some() && self.find("npm").is_some() {
            return Ok(());
        }
        self.apt_install(&["nodejs", "npm"], "Node.js and npm")?;
        if self.find("node").is_some() && self.find("npm").is_some() {
            Ok(())
        } else {
            Err("node and npm are still not on PATH after installing nodejs and npm".into())
        }
    }

    /// The release build's npm tools, pinned in `xtask/js`: a current `wasm-opt` (npm
    /// package `binaryen`; Debian's is too old for today's wasm) and `esbuild`, which
    /// minifies the glue and the style sheet.
    pub fn ensure_wasm_opt(&mut self) -> Result<(), String> {
        if !self.once("wasm-opt") {
            return Ok(());
        }
        let dir = npm_tools_dir(&self.root);
        self.ensure_npm_packages(&dir, "binaryen (wasm-opt) and esbuild", 10)?;
        for tool in ["wasm-opt", "esbuild"] {
            if !dir.join("node_modules/.bin").join(tool).is_file() {
                return Err(format!(
                    "npm ci in {} did not provide node_modules/.bin/{tool}",
                    dir.display()
                ));
            }
        }
        Ok(())
    }

    /// The node packages of a folder with a package-lock.json, installed with
    /// `npm ci` when `node_modules` is missing or older than the lockfile.
    pub fn ensure_npm_packages(
        &mut self,
        dir: &Path,
        what: &str,
        seconds: u32,
    ) -> Result<(), String> {
        self.ensure_node()?;
        let lock_path = dir.join("package-lock.json");
        let lockfile = fs::read_to_string(&lock_path)
            .map_err(|error| format!("cannot read {}: {error}", lock_path.display()))?;
        let stamp_path = dir.join("node_modules/.xtask-lock");
        let stamp = fs::read_to_string(&stamp_path).ok();
        if !npm_install_is_stale(&lockfile, stamp.as_deref()) {
            return Ok(());
        }
        note(&format!(
            "installing {what} with npm ci in {} (about {seconds} s)…",
            shown(dir, &self.root)
        ));
        let mut command = self.command("npm");
        command
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir);
        run_install(command, &format!("npm ci (in {})", dir.display()))?;
        fs::write(&stamp_path, lockfile)
            .map_err(|error| format!("cannot write {}: {error}", stamp_path.display()))
    }

    /// The path of Chromium, if installed.
    pub fn chromium(&self) -> Option<PathBuf> {
        CHROMIUM_CANDIDATES.iter().find_map(|name| self.find(name))
    }

    /// Chromium and chromedriver, from Debian when missing and running as root.
    pub fn ensure_browser(&mut self) -> Result<(), String> {
        if !self.once("browser") {
            return Ok(());
        }
        if self.chromium().is_some() && self.find("chromedriver").is_some() {
            return Ok(());
        }
        self.apt_install(BROWSER_PACKAGES, "Chromium and chromedriver")?;
        if self.chromium().is_some() && self.find("chromedriver").is_some() {
            Ok(())
        } else {
            Err("chromium and chromedriver are still not on PATH after installing them".into())
        }
    }

    /// Installs Debian packages when running as root; otherwise says exactly what
    /// to run, because the chores never ask for a password.
    fn apt_install(&self, packages: &[&str], what: &str) -> Result<(), String> {
        let list = packages.join(" ");
        if !is_root() || self.find("apt-get").is_none() {
            return Err(apt_advice(what, packages));
        }
        note(&format!("installing {what} with apt-get (about 60 s)…"));
        let install = || {
            let mut command = self.command("apt-get");
            command
                .args(["install", "-y", "--no-install-recommends"])
                .args(packages)
                .env("DEBIAN_FRONTEND", "noninteractive");
            run_install(command, &format!("apt-get install -y {list}"))
        };
        if install().is_ok() {
            return Ok(());
        }
        // A fresh machine may have no package lists yet.
        note("apt-get install failed; running apt-get update and trying again…");
        let mut update = self.command("apt-get");
        update
            .arg("update")
            .env("DEBIAN_FRONTEND", "noninteractive");
        run_install(update, "apt-get update")?;
        install()
    }

    /// `cargo install` of an exact version, with the crate's own lockfile first.
    ///
    /// A crate's published lockfile can name a dependency version that the registry
    /// no longer offers (wasm-bindgen-cli 0.2.130 pins webpki-roots 1.0.11, which is
    /// absent from crates.io), so a failed `--locked` install is retried without it.
    fn cargo_install(&self, krate: &str, version: &str) -> Result<(), String> {
        let exact = format!("={version}");
        let mut locked = self.cargo();
        locked.args(["install", krate, "--version", &exact, "--locked"]);
        if run_install(
            locked,
            &format!("cargo install {krate} --version {exact} --locked"),
        )
        .is_ok()
        {
            return Ok(());
        }
        note(&format!(
            "the locked install of {krate} {version} failed; \
             retrying with current compatible dependencies…"
        ));
        let mut unlocked = self.cargo();
        unlocked.args(["install", krate, "--version", &exact]);
        run_install(
            unlocked,
            &format!("cargo install {krate} --version {exact}"),
        )
    }

    /// What `program --version` reports, or `None` if it is missing or fails.
    fn version_of(&self, program: &str) -> Option<String> {
        let path = self.find(program)?;
        let output = Command::new(path)
            .arg("--version")
            .env("PATH", &self.path)
            .stdin(Stdio::null())
            .output()
            .ok()?;
        if !output.status.success() {
            return None;
        }
        parse_version_output(&String::from_utf8_lossy(&output.stdout), program)
    }
}

/// The folder with the pinned npm tools (`xtask/js`: package.json and lockfile).
pub fn npm_tools_dir(root: &Path) -> PathBuf {
    root.join("xtask/js")
}

/// Where `cargo install` puts programs: `$CARGO_INSTALL_ROOT/bin`,
/// `$CARGO_HOME/bin`, or `~/.cargo/bin`.
pub fn cargo_bin_dir() -> PathBuf {
    if let Some(root) = env::var_os("CARGO_INSTALL_ROOT").filter(|value| !value.is_empty()) {
        return PathBuf::from(root).join("bin");
    }
    if let Some(home) = env::var_os("CARGO_HOME").filter(|value| !value.is_empty()) {
        return PathBuf::from(home).join("bin");
    }
    let home = env::var_os("HOME").unwrap_or_default();
    PathBuf::from(home).join(".cargo/bin")
}

/// The first executable file called `program` in the folders of `path`.
pub fn find_on_path(program: &str, path: &OsStr) -> Option<PathBuf> {
    if program.contains('/') {
        let candidate = PathBuf::from(program);
        return is_executable(&candidate).then_some(candidate);
    }
    env::split_paths(path)
        .map(|folder| folder.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path)
            .map(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// What to tell a user who must install Debian packages themselves.
pub fn apt_advice(what: &str, packages: &[&str]) -> String {
    format!(
        "{what} not found, and only root may install them; run:\n    sudo apt-get install -y {}",
        packages.join(" ")
    )
}

/// Whether this process runs as root, asked of `id` to stay free of libc.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Runs an installer with its output shown, turning failure into a message.
fn run_install(mut command: Command, shown_command: &str) -> Result<(), String> {
    let status = command
        .stdin(Stdio::null())
        .status()
        .map_err(|error| format!("cannot run `{shown_command}`: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown_command}` failed ({status})"))
    }
}

/// A path as shown to the user: relative to the project root when inside it.
pub fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .map(|relative| relative.display().to_string())
        .unwrap_or_else(|_| path.display().to_string())
}

/// Prints a progress line of the chores, set apart from the tools' own output.
pub fn note(message: &str) {
    eprintln!("xtask: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_tool_output() {
        let cases = [
            ("wasm-bindgen 0.2.130\n", "wasm-bindgen", Some("0.2.130")),
            ("wasm-pack 0.15.1\n", "wasm-pack", Some("0.15.1")),
            (
                "wasm-opt version 132 (version_132)\n",
                "wasm-opt",
                Some("132"),
            ),
            (
                "rustup 1.28.2 (e4f3ad6f8 2025-04-28)\n",
                "rustup",
                Some("1.28.2"),
            ),
            ("wasm-bindgen v0.2.99", "wasm-bindgen", Some("0.2.99")),
            ("error: something else\n", "wasm-bindgen", None),
            ("", "wasm-pack", None),
            ("wasm-pack\n", "wasm-pack", None),
        ];
        for (output, tool, expected) in cases {
            assert_eq!(
                parse_version_output(output, tool).as_deref(),
                expected,
                "output {output:?}"
            );
        }
    }

    #[test]
    fn exact_versions_decide_keep_install_or_replace() {
        assert_eq!(decide_exact(Some("0.2.130"), "0.2.130"), Decision::Keep);
        assert_eq!(decide_exact(None, "0.2.130"), Decision::Install);
        assert_eq!(
            decide_exact(Some("0.2.100"), "0.2.130"),
            Decision::Replace {
                found: "0.2.100".into()
            }
        );
        // A prefix is not a match: 0.2.13 is not 0.2.130.
        assert_eq!(
            decide_exact(Some("0.2.13"), "0.2.130"),
            Decision::Replace {
                found: "0.2.13".into()
            }
        );
    }

    #[test]
    fn the_lockfile_names_the_wasm_bindgen_version() {
        let lock = r#"
version = 4

[[package]]
name = "wasm-bindgen-backend"
version = "0.2.99"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cfg-if",
]

[[package]]
name = "wasm-bindgen-test"
version = "0.3.80"
"#;
        assert_eq!(
            lock_package_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(lock_package_version(lock, "serde"), None);
    }

    #[test]
    fn two_wasm_bindgen_versions_in_the_lockfile_are_refused() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.1\"\n\
                    [[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.2\"\n";
        assert_eq!(lock_package_version(lock, "wasm-bindgen"), None);
    }

    #[test]
    fn the_real_lockfile_pins_one_wasm_bindgen() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let toolbox = Toolbox::new(&root);
        let version = toolbox.wasm_bindgen_lock_version().expect("one version");
        assert!(version.starts_with("0.2."), "{version}");
    }

    #[test]
    fn children_find_cargo_and_npm_tools_first() {
        let root = Path::new("/project");
        let toolbox = Toolbox::new(root);
        let folders: Vec<PathBuf> = env::split_paths(&toolbox.path).collect();
        assert_eq!(folders.first(), Some(&cargo_bin_dir()));
        assert_eq!(
            folders.get(1),
            Some(&PathBuf::from("/project/xtask/js/node_modules/.bin"))
        );
    }

    #[test]
    fn users_who_are_not_root_are_told_the_exact_command() {
        assert!(apt_advice("Chromium and chromedriver", BROWSER_PACKAGES)
            .ends_with("\n    sudo apt-get install -y chromium chromium-driver"));
    }

    #[test]
    fn npm_installs_are_stale_unless_the_stamp_matches_the_lockfile() {
        assert!(npm_install_is_stale("{\"a\":1}", None));
        assert!(npm_install_is_stale("{\"a\":2}", Some("{\"a\":1}")));
        assert!(!npm_install_is_stale("{\"a\":1}", Some("{\"a\":1}")));
    }

    #[test]
    fn programs_are_found_only_where_executable() {
        let dir = env::temp_dir().join(format!("xtask-find-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let tool = dir.join("some-tool");
        fs::write(&tool, "#!/bin/sh\n").expect("write");
        let path = OsString::from(dir.as_os_str());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&tool, fs::Permissions::from_mode(0o644)).expect("chmod");
            assert_eq!(find_on_path("some-tool", &path), None);
            fs::set_permissions(&tool, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        assert_eq!(find_on_path("some-tool", &path), Some(tool));
        assert_eq!(find_on_path("other-tool", &path), None);
        let _ = fs::remove_dir_all(&dir);
    }
}
