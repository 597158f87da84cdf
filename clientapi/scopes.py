"""Which OAuth scope each route needs: one table, method + endpoint -> scope.

Every route of the app has a row, and one hook (`baraza.viewer.enforce_route_scope`, registered
in `baraza.app`) reads it before any handler runs: a request that carries a valid token
lacking the row's scope is refused with 403, whatever the route and whether or not the object
it names exists. The answer depends only on the token and the route, so it says nothing about
the object; that is why it is 403 (Mastodon's answer) and not the 404 a hidden object gets.
A request without a token is answered by the same hook from `anonymous_access`: discovery and
the ActivityPub documents other servers fetch are open, the public reads of Mastodon's API
(`LOGGED_OUT_READABLE`) are open while the instance allows logged-out reading, and everything
else is 401 with a JSON error, as logged-out apps (Elk, Phanpy) expect.

Rows follow Mastodon's documented scope for its endpoints (docs.joinmastodon.org/methods/):
reading a status needs `read:statuses`, an account `read:accounts`, and so on. Baraza's own
endpoints take the scope of the Mastodon entity they serve: a space is an account (group), its
timeline, library and Talks are statuses. The ActivityPub and HTML GETs answer differently to a
token-bearing client, so they have rows too. Public discovery (WebFinger, NodeInfo, OAuth, the
metrics with their own token, static files) needs no scope: `PUBLIC`.

Keys: `(method, endpoint)`, where endpoint is Quart's `blueprint.function` name and method is
the HTTP verb, or `WS` for a WebSocket rule. A test walks `app.url_map` and fails for any rule
without a row, so a new route cannot ship without deciding its scope.

Everything here is pure: no request, no database.
"""

from __future__ import annotations

from typing import Literal

Need = tuple[str, ...]
"""The scopes of which a token needs one (any of them); the empty tuple needs none."""

PUBLIC: Need = ()

WEBSOCKET = "WS"

FORBIDDEN = "This action is outside the authorized scopes"

FOLLOW_SCOPES = frozenset(
    {"read:blocks", "write:blocks", "read:follows", "write:follows", "read:mutes", "write:mutes"}
)


C2S_WRITE_SCOPES: Need = (
    "write",
    "write:statuses",
    "write:favourites",
    "write:follows",
    "write:blocks",
)
"""Any one of them opens the C2S outbox; a test checks they cover `outbox.c2s.SCOPES`."""


def scope_satisfied(granted: frozenset[str], needed: str) -> bool:
    """Does a token with `granted` scopes allow `needed`? Mastodon's hierarchy.

    `read` covers every `read:*`, `write` every `write:*`, `admin:read` every
    `admin:read:*`; the legacy `follow` covers the relationship scopes. Nothing covers `admin:*`
    but an admin scope, and `profile` covers only itself.
    """
    if needed in granted:
        return True
    top = needed.split(":", 1)[0]
    if top in ("read", "write") and top in granted:
        return True
    if needed.startswith("admin:"):
        return ":".join(needed.split(":")[:2]) in granted
    return needed in FOLLOW_SCOPES and "follow" in granted


def allows(granted: frozenset[str], need: Need) -> bool:
    """Does a token with `granted` scopes satisfy one of the scopes in `need`?"""
    return not need or any(scope_satisfied(granted, scope) for scope in need)


def default_need(method: str) -> Need:
    """For a route with no row (a test keeps that from happening): `read` or `write` by verb."""
    if method == "OPTIONS":
        return PUBLIC
    return ("read",) if method in ("GET", "HEAD", WEBSOCKET) else ("write",)


def route_need(method: str, endpoint: str | None) -> Need:
    """The scope a token needs for `method` on `endpoint`; HEAD is GET, OPTIONS is free."""
    if method == "OPTIONS":
        return PUBLIC
    verb = "GET" if method == "HEAD" else method
    if endpoint is None:
        return default_need(verb)
    return ROUTE_SCOPES.get((verb, endpoint), default_need(verb))


def refusal(granted: frozenset[str] | None, need: Need) -> str | None:
    """Why a request is refused before its handler runs, or None when it may go on.

    `granted` is None when no valid token came with the request: the route itself then
    decides (401 where it needs a user), so the table has nothing to say.
    """
    if granted is None or allows(granted, need):
        return None
    return FORBIDDEN


AnonymousAccess = Literal["open", "logged_out", "token"]

UNAUTHENTICATED = "This method requires an authenticated user"


def _keys(*routes: str) -> frozenset[tuple[str, str]]:
    """`(method, endpoint)` keys for `"METHOD endpoint"` strings."""
    return frozenset((method, endpoint) for method, endpoint in (r.split() for r in routes))


LOGGED_OUT_READABLE = _keys(
    # What Mastodon serves logged out (Elk, Phanpy): public statuses, their context and
    # history, accounts and their statuses, the public, local and tag timelines, polls.
    "GET clientapi_statuses.get_status",
    "GET clientapi_statuses.get_context",
    "GET clientapi_statuses.get_history",
    "GET clientapi_status_actions.favourited_by",
    "GET clientapi_status_actions.reblogged_by",
    "GET clientapi_status_actions.account_statuses",
    "GET accounts.get_account",
    "GET accounts.lookup",
    "GET accounts.followers",
    "GET accounts.following",
    "GET clientapi_timelines.public",
    "GET clientapi_timelines.tag",
    "GET polls.get_poll",
    # Statuses and accounts by the batch (Mastodon 4.3), through the same read gate.
    "GET status_choices.statuses_by_id",
    "GET member_lists.accounts_by_id",
    # Public spaces: the directory, the space, its members, timeline, library and Talks.
    "GET spaces_api.directory",
    "GET spaces_api.show_space",
    "GET spaces_api.members",
    "GET spaces_api.space_timeline",
    "GET space_library_api.list_documents",
    "GET space_library_api.show_document",
    "GET space_library_api.download_document",
    "GET document_history_api.diff",
    "GET document_history_api.export_version",
    "GET space_library_api.list_events",
    "GET space_library_api.show_event",
    # The HTML pages of a profile and a post (the web app's page of a post by id too).
    "GET pages.profile_page",
    "GET pages.post_page",
    "GET web_reading.post_by_id",
)
"""Routes a client with no token may read while the instance allows logged-out reading
(`storage.settings_store.logged_out_reading`, on by default as in Mastodon). What each
answers is still decided by the visibility rules: public content only, never a private space."""

FEDERATION_OPEN = _keys(
    "GET actors.member_actor",
    "GET actors.space_actor",
    "GET actors.space_moderators",
    "GET actors.actor_collection",
    "GET actors.featured_collection",
    "GET objects.post_document",
    "GET objects.post_activity",
    "GET objects.activity_document",
    "GET clientapi_media.serve_media",
    # A post's and a profile's public URL answer AS2 to servers resolving a pasted link.
    "GET pages.post_page",
    "GET pages.profile_page",
    "GET pages.tag_page",
)
"""ActivityPub documents and media files: other servers fetch them without a token (signed or
not), so the instance setting does not close them; their HTML rendition for a browser is a
page like any other and follows the setting."""


def anonymous_access(method: str, endpoint: str | None, *, html: bool = False) -> AnonymousAccess:
    """What a request without a valid token may do on a route: `open` to anyone, `logged_out`
    while the instance allows logged-out reading, or `token` (401 without one)."""
    if not route_need(method, endpoint):
        return "open"
    key = ("GET" if method == "HEAD" else method, endpoint or "")
    if key in FEDERATION_OPEN:
        page = key[1].startswith(("actors.", "objects.", "pages."))
        return "logged_out" if html and page else "open"
    return "logged_out" if key in LOGGED_OUT_READABLE else "token"


def anonymous_refusal(access: AnonymousAccess, logged_out_reading: bool) -> str | None:
    """Why a request without a token is refused (401), or None when the route may answer it."""
    if access == "open" or (access == "logged_out" and logged_out_reading):
        return None
    return UNAUTHENTICATED


def _rows(need: str | Need, *routes: str) -> dict[tuple[str, str], Need]:
    """Rows for `"METHOD endpoint"` strings sharing one need."""
    scopes: Need = (need,) if isinstance(need, str) else need
    out: dict[tuple[str, str], Need] = {}
    for route in routes:
        method, endpoint = route.split()
        out[(method, endpoint)] = scopes
    return out


ROUTE_SCOPES: dict[tuple[str, str], Need] = {
    # Discovery, OAuth, feeds with their own secret, static files: no scope.
    **_rows(
        PUBLIC,
        "GET webfinger.webfinger",
        "GET webfinger.host_meta",
        "GET webfinger.host_meta_json",
        "GET webfinger.nodeinfo_links",
        "GET webfinger.nodeinfo",
        "GET oauth.server_metadata",
        "GET oauth.authorize_page",
        "POST oauth.authorize_submit",
        "POST oauth.token_endpoint",
        "POST oauth.revoke_endpoint",
        "POST oauth.create_app",
        # Any valid token, whatever its scopes (Mastodon: "App token"); the route asks for one.
        "GET oauth.verify_app",
        "GET metrics.metrics",
        "GET static",
        "GET actors.instance_actor",
        "GET actors.instance_actor_collection",
        "POST inbox.instance_actor_inbox",
        "POST inbox.shared_inbox",
        "POST inbox.actor_inbox",
        "GET instance.instance_v1",
        "GET instance.instance_v2",
        "GET instance.peers",
        "GET instance.custom_emojis",
        "GET instance.trends",
        "GET clientapi_admin.public_domain_blocks",
        "GET clientapi_translate.translation_languages",
        "GET clientapi_streaming.health",
        # Public spaces only, and aggregate counts: nothing a token could unlock.
        "GET letter_feeds.public_feed",
        "GET letter_feeds.secret_feed",
        "GET letter_feeds.unsubscribe_page",
        "POST letter_feeds.unsubscribe_one_click",
        "GET pages.home_page",
        # The editor's page is a static shell; its socket (`live_api.live`) is what is checked.
        "GET editor_page.live_editor",
        # The web app's sign-in: a browser session (baraza/webapp/session.py), not a token,
        # says who is signed in; its forms carry their own CSRF token.
        "GET web_sessions.sign_in_page",
        "POST web_sessions.sign_in_submit",
        "GET web_sessions.code_page",
        "POST web_sessions.code_submit",
        "POST web_sessions.sign_out",
        "POST web_sessions.switch_language",
        "GET web_settings.settings_page",
        # The web app's reading and posting pages: the browser session is the gate (a page
        # needing a member sends a stranger to sign in; every form checks its CSRF token).
        "GET web_reading.notifications_page",
        "GET web_reading.search_page",
        "GET web_posting.compose_page",
        "POST web_posting.compose_submit",
        "POST web_posting.post_action",
        "POST web_posting.vote_submit",
        "POST web_posting.follow_submit",
        "POST web_settings.save_profile",
        "POST web_settings.save_letter",
        "GET web_security.security_page",
        "POST web_security.start_two_factor",
        "POST web_security.confirm_two_factor",
        "POST web_security.disable_two_factor",
        "POST web_security.revoke_session",
        "POST web_security.revoke_app",
        "GET web_avatars.serve_avatar",
        "GET web_invitations.invite_page",
        "POST web_invitations.accept_invite",
        "GET web_invitations.invitations_page",
        "POST web_invitations.create_invite",
        "POST web_invitations.revoke_invite",
        "POST web_editor.open_editor",
        # The admin console: the browser session's role is the gate
        # (outbox/console_access.py: 404 to members and strangers, 403 to moderators
        # outside the moderation pages, two-factor first); every form checks its CSRF token.
        "GET web_admin.dashboard",
        "GET web_admin.audit_page",
        "GET web_admin_reports.reports_page",
        "GET web_admin_reports.report_page",
        "POST web_admin_reports.assign_report",
        "POST web_admin_reports.resolve_report",
        "POST web_admin_reports.forward_report",
        "GET web_admin_mail.mail_page",
        "POST web_admin_mail.send_test",
        "GET web_admin_federation.federation_page",
        "POST web_admin_federation.add_block",
        "POST web_admin_federation.remove_block",
        "POST web_admin_blocklist.preview_import",
        "POST web_admin_blocklist.apply_import",
        "GET web_admin_blocklist.export",
        "GET web_admin_peers.instances_page",
        "GET web_admin_peers.instance_page",
        "POST web_admin_peers.refresh_instance",
        "GET web_admin_jobs.job_page",
        "GET web_admin_members.members_page",
        "GET web_admin_members.member_page",
        "POST web_admin_members.member_action",
        "POST web_admin_members.invite",
        "GET web_admin_spaces.spaces_page",
        "POST web_admin_spaces.create_space",
        "GET web_admin_spaces.space_page",
        "POST web_admin_spaces.space_action",
        # The web app's spaces: read through `find_space` and the visibility rules for the
        # session's member (a logged-out browser only while logged-out reading is on; a
        # private space is 404 to anyone not its member); every form checks its CSRF token.
        "GET web_spaces_directory.spaces_page",
        "GET web_space.space_page",
        "POST web_space.join_space",
        "POST web_space.leave_space",
        "POST web_space.answer_request",
        "GET web_library.library_page",
        "GET web_library.document_page",
        "POST web_library.upload_document",
        "POST web_library.upload_version",
        "GET web_library.download",
        "GET web_talks.talks_page",
        "POST web_talks.create_talk",
        "GET web_talks.talk_page",
        "POST web_talks.answer_talk",
        "GET web_talks.talk_ics",
        "GET web_talks.space_calendar",
    ),
    # Web Push: the app's own subscription, on its own token (Mastodon's `push` scope).
    **_rows(
        "push",
        "POST push.create",
        "GET push.show",
        "PUT push.change",
        "DELETE push.remove",
    ),
    # Accounts.
    **_rows(("read:accounts", "profile"), "GET accounts.verify_credentials"),
    **_rows(
        "read:accounts",
        "GET accounts.get_account",
        "GET accounts.lookup",
        "GET accounts.search",
        "GET accounts.followers",
        "GET accounts.following",
        "GET clientapi_status_actions.favourited_by",
        "GET clientapi_status_actions.reblogged_by",
        "GET instance.preferences",
        "GET spaces_api.show_space",
        "GET spaces_api.directory",
        "GET spaces_api.members",
        # AS2 and HTML: actor documents and profile pages (a private space's for members).
        "GET actors.member_actor",
        "GET actors.space_actor",
        "GET actors.space_moderators",
        "GET pages.profile_page",
    ),
    **_rows(
        "write:accounts",
        "PATCH accounts.update_credentials",
        "POST accounts.update_credentials",
    ),
    # Relationships.
    **_rows(
        "read:follows",
        "GET accounts.relationships_view",
        "GET accounts.follow_requests",
        "GET spaces_api.requests",
    ),
    **_rows(
        "write:follows",
        "POST accounts.follow",
        "POST accounts.unfollow",
        "POST accounts.authorize_request",
        "POST accounts.reject_request",
        "POST spaces_api.join",
        "POST spaces_api.leave",
        "POST spaces_api.approve",
        "POST spaces_api.reject",
    ),
    **_rows("write:blocks", "POST accounts.block", "POST accounts.unblock"),
    **_rows("write:mutes", "POST accounts.mute", "POST accounts.unmute"),
    # Statuses, timelines and what hangs off a status (polls, media files, Talks, documents).
    **_rows(
        "read:statuses",
        "GET clientapi_statuses.get_status",
        "GET clientapi_statuses.get_context",
        "GET clientapi_statuses.get_history",
        "GET clientapi_statuses.get_source",
        "GET clientapi_status_actions.account_statuses",
        "POST clientapi_translate.translate_status",
        "GET clientapi_timelines.home",
        "GET clientapi_timelines.public",
        "GET clientapi_timelines.tag",
        "GET clientapi_streaming_sse.sse",
        "WS clientapi_streaming.stream",
        "GET instance.get_markers",
        "GET polls.get_poll",
        "GET clientapi_media.serve_media",
        "GET spaces_api.space_timeline",
        "GET space_library_api.list_documents",
        "GET space_library_api.show_document",
        "GET space_library_api.download_document",
        "GET document_history_api.diff",
        "GET document_history_api.export_version",
        "GET space_library_api.list_events",
        "GET space_library_api.show_event",
        # AS2 and HTML: a post's object, its Create, its page.
        "GET objects.post_document",
        "GET objects.post_activity",
        "GET objects.activity_document",
        "GET actors.featured_collection",  # a member's pinned posts
        "GET pages.post_page",
        "GET pages.tag_page",
        "GET web_reading.post_by_id",
    ),
    **_rows(
        "write:statuses",
        "POST clientapi_statuses.create_status",
        "PUT clientapi_statuses.edit_status",
        "DELETE clientapi_statuses.delete_status",
        "POST clientapi_status_actions.reblog",
        "POST clientapi_status_actions.unreblog",
        "POST instance.save_markers",
        "POST polls.vote_on_poll",
        "POST space_library_api.create_event",
        "POST space_library_api.answer_event",
    ),
    **_rows(
        "write:favourites",
        "POST clientapi_status_actions.favourite",
        "POST clientapi_status_actions.unfavourite",
    ),
    **_rows(
        "write:bookmarks",
        "POST clientapi_status_actions.bookmark",
        "POST clientapi_status_actions.unbookmark",
    ),
    **_rows("read:bookmarks", "GET clientapi_status_actions.bookmarks"),
    **_rows("read:favourites", "GET clientapi_status_actions.favourites"),
    # Media: Mastodon checks `write:media` even to read an upload's own metadata.
    **_rows(
        "write:media",
        "POST clientapi_media.upload_v1",
        "POST clientapi_media.upload_v2",
        "GET clientapi_media.get_media",
        "PUT clientapi_media.update_media",
    ),
    # Notifications, reports, search, the empty lists of features Baraza lacks.
    **_rows(
        "read:notifications",
        "GET clientapi_notifications.list_notifications",
        "GET clientapi_notifications.get_notification",
        "GET clientapi_grouped_notifications.grouped_notifications",
        "GET clientapi_grouped_notifications.notification_group",
        "GET clientapi_grouped_notifications.notification_group_accounts",
        "GET clientapi_grouped_notifications.unread_groups",
        "GET clientapi_grouped_notifications.unread_notifications",
        "GET clientapi_notification_policy.get_policy",
        "GET clientapi_notification_policy.get_policy_v1",
        "GET clientapi_notification_policy.list_requests",
        "GET clientapi_notification_policy.requests_merged",
        "GET clientapi_notification_policy.get_request",
    ),
    **_rows(
        "write:notifications",
        "POST clientapi_notifications.dismiss",
        "POST clientapi_notifications.clear",
        "POST clientapi_grouped_notifications.dismiss_group",
        "PATCH clientapi_notification_policy.update_policy",
        "PATCH clientapi_notification_policy.update_policy_v1",
        "POST clientapi_notification_policy.accept_request",
        "POST clientapi_notification_policy.dismiss_request",
        "POST clientapi_notification_policy.accept_requests",
        "POST clientapi_notification_policy.dismiss_requests",
    ),
    **_rows("write:reports", "POST clientapi_reports.create_report"),
    **_rows("read:search", "GET clientapi_search.search"),
    **_rows(
        "read:filters",
        "GET clientapi_filters_v1.index",
        "GET clientapi_filters_v1.show",
        "GET clientapi_filters.index",
        "GET clientapi_filters.show",
        "GET clientapi_filters.keywords",
        "GET clientapi_filters.show_keyword",
        "GET clientapi_filters.statuses",
        "GET clientapi_filters.show_status",
    ),
    **_rows(
        "write:filters",
        "POST clientapi_filters.create",
        "POST clientapi_filters_v1.create",
        "PUT clientapi_filters_v1.update",
        "DELETE clientapi_filters_v1.delete",
        "PUT clientapi_filters.update",
        "DELETE clientapi_filters.delete",
        "POST clientapi_filters.add_keyword",
        "PUT clientapi_filters.update_keyword",
        "DELETE clientapi_filters.delete_keyword",
        "POST clientapi_filters.add_status",
        "DELETE clientapi_filters.delete_status",
    ),
    **_rows(
        "read:lists",
        "GET clientapi_lists.index",
        "GET clientapi_lists.show",
        "GET clientapi_lists.accounts",
        "GET clientapi_lists.lists_with_account",
        "GET clientapi_lists.timeline",
    ),
    **_rows(
        "write:lists",
        "POST clientapi_lists.create",
        "PUT clientapi_lists.update",
        "DELETE clientapi_lists.delete",
        "POST clientapi_lists.add_accounts",
        "DELETE clientapi_lists.remove_accounts",
    ),
    # Broad `read` where Mastodon has no granular scope, or the route serves several kinds.
    **_rows(
        "read",
        "GET instance.empty_api_v1_announcements",
        "GET spaces_api.my_spaces",
        # followers, following (accounts) and outbox (statuses) share one rule.
        "GET actors.actor_collection",
    ),
    # The C2S outbox lets in any token that may write something; `outbox.c2s.scope_for` then
    # asks for the scope of the activity posted (a Like needs `write:favourites`, ...).
    **_rows(C2S_WRITE_SCOPES, "POST c2s.c2s_outbox"),
    # Broad `write` for Baraza's own writes with no Mastodon counterpart.
    **_rows(
        "write",
        "POST space_library_api.upload_document",
        "POST live_api.save",
        "POST document_history_api.restore",
        "WS live_api.live",
        "POST letter_feeds.create_feed",
        "POST letter_feeds.revoke_feed",
        "POST spaces_api.moderate_member",
        "POST spaces_api.remove_status",
    ),
    # The member's choices (issue 16): blocks, mutes, domain blocks, pins, muted threads,
    # followed tags, direct conversations, scheduled statuses; batches of accounts and statuses.
    **_rows(
        PUBLIC,
        "GET instance_about.rules",
        "GET instance_about.extended_description",
        "GET instance_about.activity",
        "GET tags.show_tag",
    ),
    **_rows("read:blocks", "GET member_lists.blocks", "GET member_lists.list_domain_blocks"),
    **_rows("write:blocks", "POST member_lists.block_domain", "DELETE member_lists.unblock_domain"),
    **_rows("read:mutes", "GET member_lists.mutes"),
    **_rows("write:mutes", "POST status_choices.mute", "POST status_choices.unmute"),
    **_rows("read:accounts", "GET member_lists.accounts_by_id"),
    **_rows("read:follows", "GET member_lists.familiar_followers", "GET tags.list_followed"),
    **_rows("write:follows", "POST tags.follow", "POST tags.unfollow"),
    **_rows("write:accounts", "POST status_choices.pin", "POST status_choices.unpin"),
    **_rows(
        "read:statuses",
        "GET status_choices.statuses_by_id",
        "GET scheduled_statuses.list_scheduled",
        "GET scheduled_statuses.show_scheduled",
        "GET conversations.list_conversations",
    ),
    **_rows(
        "write:statuses",
        "PUT scheduled_statuses.update_scheduled",
        "DELETE scheduled_statuses.delete_scheduled",
    ),
    **_rows(
        "write:conversations",
        "POST conversations.mark_read",
        "DELETE conversations.remove",
    ),
    # Administration.
    **_rows(
        "admin:read:domain_blocks",
        "GET clientapi_admin.list_domain_blocks",
        "GET clientapi_admin.get_domain_block",
    ),
    **_rows(
        "admin:write:domain_blocks",
        "POST clientapi_admin.create_domain_block",
        "PUT clientapi_admin.update_domain_block",
        "DELETE clientapi_admin.delete_domain_block",
    ),
    **_rows(
        "admin:read:domain_allows",
        "GET clientapi_admin.list_domain_allows",
        "GET clientapi_admin.get_domain_allow",
    ),
    **_rows(
        "admin:write:domain_allows",
        "POST clientapi_admin.create_domain_allow",
        "DELETE clientapi_admin.delete_domain_allow",
    ),
    **_rows(
        "admin:read:reports", "GET clientapi_admin.list_reports", "GET clientapi_admin.get_report"
    ),
    **_rows("admin:write:reports", "POST clientapi_admin.act_on_report"),
    **_rows(
        "admin:write:accounts",
        "POST clientapi_admin.account_action",
        "POST clientapi_admin.account_reversal",
    ),
}
