//! Accessibility checked by a real engine: axe-core (the npm package, used by the tests
//! only) runs in the real window on the first-run screen and on every view of the 2023
//! demo (register, exchange, appointments, cases, report), in Italian and in English, at
//! 100% and at 200% zoom. No violation of impact "serious" or "critical" may remain.
//! At 100%, in the default 1280-pixel window, neither the page nor any table scrolls
//! sideways; at both zooms the agenda's commands stay on one line. On the office's
//! 1366x768 screen at 100% the whole register form, and each of its long lists opened,
//! ends above the status line, beside the day's list, in both languages. Each state is
//! also saved as a screenshot (`target/e2e/a11y-<view>-<lang>-<zoom>.png`), to be looked at.

use sportello_e2e::{
    Keyboard, TestResult, alt, axe, no_page_errors, run_async, screenshot, wait_until, with_app,
};

/// Every view, and what shows once its data has loaded.
const VIEWS: [(&str, &str); 5] = [
    ("register", "#day-title"),
    ("sync", "#sync-desks-title"),
    ("appuntamenti", "#agenda-title"),
    ("casi", "#case-counts .counts"),
    ("rapporto", "#report-accesses"),
];

/// A violation found, where.
struct Found {
    at: String,
    what: serde_json::Value,
}

/// What the pass found: screens checked, rules passed in all, the serious or critical
/// violations, and the lesser ones (reported, not failing).
#[derive(Default)]
struct Pass {
    screens: usize,
    passes: usize,
    serious: Vec<Found>,
    lesser: Vec<Found>,
}

async fn check(client: &fantoccini::Client, at: &str, pass: &mut Pass) -> TestResult {
    screenshot(client, &format!("a11y-{at}")).await?;
    let result = axe(client).await?;
    assert!(
        result.passes > 10,
        "{at}: axe checked almost nothing ({})",
        result.passes
    );
    pass.screens += 1;
    pass.passes += result.passes;
    for what in &result.violations {
        let found = Found {
            at: at.to_string(),
            what: what.clone(),
        };
        if result.serious().contains(&what) {
            pass.serious.push(found);
        } else {
            pass.lesser.push(found);
        }
    }
    Ok(())
}

async fn show(client: &fantoccini::Client, view: &str, ready: &str) -> TestResult {
    client
        .execute(
            &format!("document.querySelector('nav button[data-view={view}]').click();"),
            vec![],
        )
        .await?;
    wait_until(
        client,
        &format!("the {view} view"),
        &format!(
            "return location.hash === '#{view}' && Boolean(document.querySelector('{ready}'))"
        ),
    )
    .await
}

/// Shows the agenda of `day` (dd/mm/yyyy) and fails when a row's commands do not stay
/// on one line.
async fn agenda_on(client: &fantoccini::Client, day: &str) -> TestResult {
    client
        .execute(
            &format!(
                "document.getElementById('agenda-day').value = '{day}';
                 document.getElementById('agenda-show').click();"
            ),
            vec![],
        )
        .await?;
    wait_until(
        client,
        "the agenda's row",
        "return Boolean(document.querySelector('#agenda-rows td.actions button'))",
    )
    .await?;
    let lines = client
        .execute(
            "return [...document.querySelectorAll('#agenda-rows td.actions')].map((td) =>
               new Set([...td.children].map((b) => Math.round(b.getBoundingClientRect().top))).size);",
            vec![],
        )
        .await?;
    if lines != serde_json::json!([1]) {
        return Err(format!("the agenda's commands take {lines} lines").into());
    }
    Ok(())
}

/// Fails when the page, or any table's box, scrolls sideways: at 100% in the default
/// 1280-pixel window everything fits.
async fn fits_sideways(client: &fantoccini::Client, at: &str) -> TestResult {
    let wide = client
        .execute(
            "const boxes = [document.scrollingElement, ...document.querySelectorAll('.table-wrap')];
             return boxes.filter((b) => b.scrollWidth > b.clientWidth + 1)
               .map((b) => `${b.id || b.className || b.tagName} ${b.scrollWidth} > ${b.clientWidth}`);",
            vec![],
        )
        .await?;
    if wide != serde_json::json!([]) {
        return Err(format!("{at}: scrolls sideways at 100%: {wide}").into());
    }
    Ok(())
}

/// The register on a 1366x768 screen at 100%, the office's: the whole form, down to its
/// Save button, above the status line without scrolling, beside the day's list; and each
/// long list, opened by the focus, above it too. Returns the form's bottom and the status
/// line's top.
async fn form_fits(client: &fantoccini::Client, lang: &str) -> TestResult<(f64, f64)> {
    client.set_window_size(1366, 768).await?;
    run_async(
        client,
        "await window.__TAURI__.webview.getCurrentWebview().setZoom(1);
         scrollTo(0, 0);
         await new Promise((r) => setTimeout(r, 300));",
    )
    .await?;
    let fit = client
        .execute(
            "const form = document.getElementById('access-form').getBoundingClientRect();
             const status = document.querySelector('.status').getBoundingClientRect();
             const list = document.getElementById('day').getBoundingClientRect();
             return { form_bottom: form.bottom, status_top: status.top, list_left: list.left,
                      form_right: form.right, scroll_y: scrollY, height: innerHeight };",
            vec![],
        )
        .await?;
    screenshot(client, &format!("register-{lang}-1366x768")).await?;
    let num = |k: &str| fit[k].as_f64().unwrap_or(f64::NAN);
    let (bottom, status) = (num("form_bottom"), num("status_top"));
    println!("register-{lang} at 1366x768: {fit}");
    assert!(
        bottom <= status && bottom <= num("height") && num("scroll_y") == 0.0,
        "register-{lang} at 1366x768: the form ends at {bottom} px, the status line starts at {status} px ({fit})"
    );
    assert!(
        num("form_right") <= num("list_left"),
        "register-{lang} at 1366x768: the day's list is beside the form ({fit})"
    );
    for field in ["referred_by", "permit", "reasons", "actions"] {
        let open = client
            .execute(
                &format!(
                    "document.querySelector('#f-{field} input[tabindex=\"0\"]').focus();
                     const list = document.querySelector('#f-{field} .options').getBoundingClientRect();
                     const status = document.querySelector('.status').getBoundingClientRect();
                     return [list.bottom, status.top, scrollY];"
                ),
                vec![],
            )
            .await?;
        let at = |i: usize| open[i].as_f64().unwrap_or(f64::NAN);
        assert!(
            at(0) <= at(1) && at(2) == 0.0,
            "register-{lang} at 1366x768: the open list {field} ends at {} px, below the status line at {} px",
            at(0),
            at(1)
        );
    }
    client
        .execute("document.getElementById('f-nationality').focus();", vec![])
        .await?;
    client.set_window_size(1280, 720).await?;
    Ok((bottom, status))
}

async fn scenario(client: fantoccini::Client) -> TestResult<Pass> {
    let client = &client;
    let mut pass = Pass::default();

    wait_until(
        client,
        "the first-run screen",
        "return document.body.innerText.includes('Prova con dati dimostrativi')",
    )
    .await?;
    check(client, "first-run-it-100", &mut pass).await?;

    let mut kb = Keyboard::new(client);
    kb.press(&[&alt("d")]).await?;
    wait_until(
        client,
        "the demo's register",
        "return Boolean(document.getElementById('demo-banner'))
            && Boolean(document.getElementById('day-title'))",
    )
    .await?;

    // One appointment on the next free slot, so the agenda has a row and its commands.
    let booked = run_async(
        client,
        "const [slot] = await window.__TAURI__.core.invoke('next_free_slots', { kind: 'altro', limit: 1 });
         await window.__TAURI__.core.invoke('book_appointment', { input: {
           kind: 'altro', day: slot.day, starts: slot.starts, language: 'en' } });
         const [y, m, d] = slot.day.split('-');
         return `${d}/${m}/${y}`;",
    )
    .await?;
    let agenda_day = booked.as_str().ok_or("the booked day")?.to_string();

    for lang in ["it", "en"] {
        if lang == "en" {
            run_async(
                client,
                "await window.__TAURI__.core.invoke('set_language', { language: 'en' });",
            )
            .await?;
            client
                .execute("location.hash = ''; location.reload();", vec![])
                .await?;
            wait_until(
                client,
                "the register in English",
                "return document.documentElement.lang === 'en'
                    && Boolean(document.getElementById('day-title'))
                    && /Accesses/.test(document.getElementById('day-title').textContent)",
            )
            .await?;
        }
        form_fits(client, lang).await?;
        for zoom in [1, 2] {
            run_async(
                client,
                &format!(
                    "await window.__TAURI__.webview.getCurrentWebview().setZoom({zoom});
                     await new Promise((r) => setTimeout(r, 200));"
                ),
            )
            .await?;
            for (view, ready) in VIEWS {
                show(client, view, ready).await?;
                if view == "appuntamenti" {
                    agenda_on(client, &agenda_day).await?;
                }
                if zoom == 1 {
                    fits_sideways(client, &format!("{view}-{lang}")).await?;
                }
                check(client, &format!("{view}-{lang}-{}", zoom * 100), &mut pass).await?;
            }
        }
    }
    run_async(
        client,
        "await window.__TAURI__.webview.getCurrentWebview().setZoom(1);",
    )
    .await?;
    no_page_errors(client).await?;
    Ok(pass)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn every_view_passes_axe_in_both_languages_at_100_and_200_percent() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let db = home.path().join("e2e.db");
    let pass = with_app(&db, home.path(), scenario)
        .await
        .expect("the accessibility scenario");
    let lines = |found: &[Found]| -> String {
        found
            .iter()
            .map(|f| format!("{}: {}", f.at, f.what))
            .collect::<Vec<_>>()
            .join("\n")
    };
    if !pass.lesser.is_empty() {
        println!("axe-core, moderate or minor:\n{}", lines(&pass.lesser));
    }
    assert!(
        pass.serious.is_empty(),
        "axe-core found {} serious or critical violations:\n{}",
        pass.serious.len(),
        lines(&pass.serious)
    );
    assert_eq!(
        pass.screens, 21,
        "the first run and 5 views x 2 languages x 2 zooms"
    );
    println!(
        "axe-core: {} screens, {} rule checks passed, no serious or critical violation",
        pass.screens, pass.passes
    );
}
