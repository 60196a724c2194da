//! The shell's attack surface, pinned by tests: what the window may call besides the
//! app's own commands (capabilities), which plugins are linked and registered, and the
//! content security policy. A change to any of them fails here first, so it is made on
//! purpose, with docs/security.md updated beside it.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    const CAPABILITY: &str = include_str!("../capabilities/default.json");
    const CONFIG: &str = include_str!("../tauri.conf.json");
    const MANIFEST: &str = include_str!("../Cargo.toml");
    const SHELL: &str = include_str!("lib.rs");

    /// Everything the window needs from Tauri and its plugins.
    const PERMISSIONS: &[&str] = &[
        "core:event:allow-listen",
        "core:event:allow-unlisten",
        "core:webview:allow-set-webview-zoom",
        "dialog:allow-open",
        "dialog:allow-save",
    ];

    fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn the_window_gets_exactly_the_permissions_it_needs() {
        let cap = json(CAPABILITY);
        let got: BTreeSet<&str> = cap["permissions"]
            .as_array()
            .expect("a permission list")
            .iter()
            .map(|p| {
                p.as_str()
                    .expect("plain permission names, no scoped objects")
            })
            .collect();
        let want: BTreeSet<&str> = PERMISSIONS.iter().copied().collect();
        assert_eq!(got, want, "capabilities/default.json");
        assert_eq!(cap["windows"], serde_json::json!(["main"]), "one window");
        assert!(cap.get("remote").is_none(), "no remote origin gets IPC");
        let windows = json(CONFIG)["app"]["windows"].clone();
        assert_eq!(windows.as_array().map(Vec::len), Some(1), "{windows}");
        assert!(
            windows[0].get("url").is_none(),
            "the window loads the app's own files"
        );
    }

    #[test]
    fn only_the_dialog_plugin_is_linked_and_registered() {
        let plugins: Vec<&str> = MANIFEST
            .lines()
            .filter_map(|l| l.split(['=', '.']).next())
            .map(str::trim)
            .filter(|name| name.starts_with("tauri-plugin"))
            .collect();
        assert_eq!(plugins, ["tauri-plugin-dialog"], "src-tauri/Cargo.toml");
        let registered: Vec<&str> = SHELL
            .match_indices(".plugin(")
            .map(|(i, _)| SHELL[i..].lines().next().unwrap_or_default().trim())
            .collect();
        assert_eq!(
            registered,
            [".plugin(tauri_plugin_dialog::init())"],
            "lib.rs"
        );
    }

    #[test]
    fn the_content_security_policy_stays_closed() {
        let csp = json(CONFIG)["app"]["security"]["csp"]
            .as_str()
            .expect("a CSP string")
            .to_string();
        let directives: BTreeSet<&str> = csp.split(';').map(str::trim).collect();
        let want: BTreeSet<&str> = [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src ipc: http://ipc.localhost",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
        .into_iter()
        .collect();
        assert_eq!(directives, want, "tauri.conf.json app.security.csp");
        for loose in [
            "unsafe-inline",
            "unsafe-eval",
            "*",
            "https:",
            "http: ",
            "blob:",
        ] {
            assert!(
                !csp.contains(loose),
                "the CSP must not allow {loose}: {csp}"
            );
        }
        let security = json(CONFIG)["app"]["security"].clone();
        for key in ["dangerousDisableAssetCspModification", "assetProtocol"] {
            assert!(security.get(key).is_none(), "{key} is set: {security}");
        }
    }
}
