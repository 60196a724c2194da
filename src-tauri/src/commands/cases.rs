//! Accompaniment cases: thin adapters over `sportello::cases`. The personal file and
//! the notes reach the window of this machine only.

use chrono::NaiveDate;
use sportello::cases::documents::{self, Document, DocumentKind};
use sportello::cases::follow_ups::{self, Due, FollowUp, NewFollowUp};
use sportello::cases::services::{self, Involved, ServiceKind};
use sportello::cases::{self, Case, Closing, NewCase, Overview, retention};
use sportello::{Now, Store, preferences};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// The operator who signs a change.
fn operator(store: &Store) -> sportello::Result<String> {
    preferences::signing_operator(store.conn())
}

/// The cases view of `year`: the report's counts, open, archived and fast cases.
#[tauri::command(async)]
pub fn cases_overview(state: State<'_, AppState>, year: i32) -> IpcResult<Overview> {
    let now = Now::read();
    state.with_personal(|s, _| cases::overview(s.conn(), year, now.today()))
}

/// One case, with its personal file: the opening is logged (who, which case, when;
/// nothing of the file).
#[tauri::command(async)]
pub fn get_case(state: State<'_, AppState>, id: String) -> IpcResult<Case> {
    let now = Now::read();
    state.with_personal(|s, who| {
        let case = cases::get(s.conn(), &id)?;
        sportello::operators::note_case_file_opened(s.conn(), &who.name, &case.id, now.utc())?;
        Ok::<_, sportello::Error>(case)
    })
}

/// Opens a case (full or fast) at this desk.
#[tauri::command(async)]
pub fn open_case(state: State<'_, AppState>, input: NewCase) -> IpcResult<Case> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        cases::open(s.conn_mut(), &input, &op, now)
    })
}

/// Corrects every field of a case seen at `expected_revision`.
#[tauri::command(async)]
pub fn correct_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
    input: NewCase,
) -> IpcResult<Case> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        cases::correct(s.conn_mut(), &id, expected_revision, &input, &op, now)
    })
}

/// Closes (archives) a case with its day, outcome and note.
#[tauri::command(async)]
pub fn close_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
    closing: Closing,
) -> IpcResult<Case> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        cases::close(s.conn_mut(), &id, expected_revision, &closing, &op, now)
    })
}

/// Reopens a closed case (audited).
#[tauri::command(async)]
pub fn reopen_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
) -> IpcResult<Case> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        cases::reopen(s.conn_mut(), &id, expected_revision, &op, now)
    })
}

/// Erases the personal file of a case at once, on the person's request; the
/// anonymous case stays.
#[tauri::command(async)]
pub fn erase_case_personal_data(state: State<'_, AppState>, id: String) -> IpcResult<Case> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        retention::erase(s.conn_mut(), &id, &op, now)?;
        cases::get(s.conn(), &id)
    })
}

/// Deletes a case (a tombstone; its personal file and notes are erased).
#[tauri::command(async)]
pub fn delete_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
) -> IpcResult<Case> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        cases::delete(s.conn_mut(), &id, expected_revision, &op, now)
    })
}

/// Adds a follow-up note to a case (what was done, today).
#[tauri::command(async)]
pub fn add_case_note(
    state: State<'_, AppState>,
    case_id: String,
    body: String,
) -> IpcResult<FollowUp> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        cases::add_note(s.conn(), &case_id, &body, &op, now)
    })
}

/// The follow-ups of a case, oldest first.
#[tauri::command(async)]
pub fn case_notes(state: State<'_, AppState>, case_id: String) -> IpcResult<Vec<FollowUp>> {
    state.with_personal(|s, _| cases::notes(s.conn(), &case_id))
}

/// Adds a follow-up: what was done, when, with whom, the next step and its due day.
#[tauri::command(async)]
pub fn add_case_follow_up(
    state: State<'_, AppState>,
    case_id: String,
    input: NewFollowUp,
) -> IpcResult<FollowUp> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        follow_ups::add(s.conn(), &case_id, &input, &op, now)
    })
}

/// The next steps due by the end of this week across the open cases, overdue first.
#[tauri::command(async)]
pub fn cases_due_this_week(state: State<'_, AppState>) -> IpcResult<Vec<Due>> {
    let now = Now::read();
    state.with_personal(|s, _| follow_ups::due_this_week(s.conn(), now.today()))
}

/// The list of services a case can involve (retired ones too, for old cases).
#[tauri::command(async)]
pub fn case_service_kinds(state: State<'_, AppState>) -> IpcResult<Vec<ServiceKind>> {
    state.with(|s| services::kinds(s.conn()))
}

/// The services involved in a case.
#[tauri::command(async)]
pub fn case_services(state: State<'_, AppState>, case_id: String) -> IpcResult<Vec<Involved>> {
    state.with_personal(|s, _| services::involved(s.conn(), &case_id))
}

/// Records a service involved in a case on `involved_on`.
#[tauri::command(async)]
pub fn involve_case_service(
    state: State<'_, AppState>,
    case_id: String,
    service: String,
    involved_on: NaiveDate,
) -> IpcResult<Vec<Involved>> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        services::involve(s.conn_mut(), &case_id, &service, involved_on, &op, now)
    })
}

/// Removes a service recorded by mistake from a case.
#[tauri::command(async)]
pub fn withdraw_case_service(
    state: State<'_, AppState>,
    case_id: String,
    service: String,
) -> IpcResult<Vec<Involved>> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        services::withdraw(s.conn_mut(), &case_id, &service, &op, now)
    })
}

/// Attaches copies of the files `paths` (chosen in the open dialog) to a case.
#[tauri::command(async)]
pub fn attach_case_documents(
    state: State<'_, AppState>,
    case_id: String,
    paths: Vec<std::path::PathBuf>,
    kind: DocumentKind,
) -> IpcResult<Vec<Document>> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        documents::attach(s.conn_mut(), &case_id, &paths, kind, &op, now)
    })
}

/// The copies attached to a case.
#[tauri::command(async)]
pub fn case_documents(state: State<'_, AppState>, case_id: String) -> IpcResult<Vec<Document>> {
    state.with_personal(|s, _| documents::list(s.conn(), &case_id))
}

/// Opens a copy with the system's viewer (in clear, in the viewing folder).
#[tauri::command(async)]
pub fn open_case_document(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let views = state.session().views().map(std::path::Path::to_path_buf);
    state.with_personal(|s, _| {
        let views = views.ok_or_else(|| {
            sportello::Error::invalid("documents", "a database in memory holds no copies")
        })?;
        // sealed copies are opened in clear in the private viewing folder, which is
        // emptied when the personal areas lock
        let path = documents::view_copy(s.conn(), &id, &views)?;
        crate::viewer::open(&path).map_err(|e| sportello::Error::io(&path, e))
    })
}

/// Removes a copy from its case (its file overwritten and removed).
#[tauri::command(async)]
pub fn remove_case_document(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = operator(s)?;
        documents::remove(s.conn_mut(), &id, &op, now)
    })
}
