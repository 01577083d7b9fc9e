//! The calendar of convenings (`GET /calendar`): the announcements this
//! node holds, upcoming first, each by its date; and the same as an
//! iCalendar file (`GET /calendar.ics`) a calendar program subscribes to.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use convene_node::{ListRow, calendar, now_ms};
use maud::html;

use crate::WebState;
use crate::names;
use crate::web::{Ctx, PageError, blocking};

/// Most past convenings the page lists (the file holds them all).
const PAST_SHOWN: usize = 50;

/// Today as `YYYY-MM-DD` (UTC).
fn today() -> String {
    let (year, month, day) = convene_protocol::text_rules::civil_from_days((now_ms() / 86_400_000) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `GET /calendar`
pub(crate) async fn page(ctx: Ctx, State(state): State<WebState>) -> Result<Response, PageError> {
    let rows = blocking(ctx.lang, &state, calendar::announcements).await?;
    let today = today();
    let (past, upcoming): (Vec<&ListRow>, Vec<&ListRow>) =
        rows.iter().partition(|row| row.summary.date.as_deref().is_some_and(|date| date < today.as_str()));
    let list = |rows: Vec<&ListRow>, id: &str| {
        html! {
            ol.calendar id=(id) {
                @for row in rows {
                    li {
                        @if let Some(date) = &row.summary.date { (crate::dates::date(ctx.lang, date)) " · " }
                        a href={ "/s/" (row.id) } { bdi { (row.summary.title) } }
                        @if let Some(country) = &row.summary.country { " · " bdi { (names::shown_country(ctx.lang, country)) } }
                    }
                }
            }
        }
    };
    let body = html! {
        p { (ctx.t("calendar.intro")) " " a href="/calendar.ics" download="convenings.ics" { (ctx.t("calendar.ics")) } }
        h2 { (ctx.t("calendar.upcoming")) }
        @if upcoming.is_empty() { p { (ctx.t("calendar.none")) } } @else { (list(upcoming, "calendar-upcoming")) }
        @if !past.is_empty() {
            h2 { (ctx.t("calendar.past")) }
            (list(past.into_iter().rev().take(PAST_SHOWN).collect(), "calendar-past"))
        }
    };
    Ok(ctx.page(ctx.t("page.calendar"), body))
}

/// `GET /calendar.ics`
pub(crate) async fn ics(ctx: Ctx, State(state): State<WebState>) -> Result<Response, PageError> {
    let rows = blocking(ctx.lang, &state, calendar::announcements).await?;
    let headers = [
        (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
        (header::CONTENT_DISPOSITION, "attachment; filename=\"convenings.ics\""),
    ];
    Ok((headers, calendar::ics(&rows, now_ms())).into_response())
}
