"""The SQLite schema of each component, as numbered migrations (never edit a shipped one)."""

from __future__ import annotations

from bot.foundation.storage.base import Migration

MIGRATIONS: dict[str, tuple[Migration, ...]] = {
    "core": (
        Migration(
            1,
            """
            CREATE TABLE language_preferences (
                scope TEXT NOT NULL CHECK (scope IN ('user', 'chat')),
                platform TEXT NOT NULL,
                subject_id TEXT NOT NULL,
                language TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (scope, platform, subject_id)
            );
            """,
        ),
    ),
    "facts": (
        Migration(
            1,
            """
            CREATE TABLE claims (
                id TEXT PRIMARY KEY,
                topic TEXT NOT NULL,
                status TEXT NOT NULL,
                content TEXT NOT NULL,
                retracted INTEGER NOT NULL DEFAULT 0,
                seed_hash TEXT,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX claims_by_topic ON claims (topic, id) WHERE retracted = 0;
            CREATE INDEX claims_by_status ON claims (status) WHERE retracted = 0;
            CREATE VIRTUAL TABLE claims_fts USING fts5 (
                id UNINDEXED, statement_en, statement_fr, extra,
                tokenize = 'unicode61 remove_diacritics 2'
            );
            CREATE VIRTUAL TABLE claims_vocab USING fts5vocab (claims_fts, 'row');
            CREATE TABLE claim_audit (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                claim_id TEXT NOT NULL,
                action TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL,
                before TEXT,
                after TEXT,
                reason TEXT
            );
            CREATE INDEX claim_audit_by_claim ON claim_audit (claim_id, seq);
            CREATE TABLE claim_proposals (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                claim_id TEXT NOT NULL,
                content TEXT NOT NULL,
                proposed_by TEXT NOT NULL,
                proposed_at TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'approved', 'rejected')),
                reviewed_by TEXT,
                reviewed_at TEXT,
                reason TEXT
            );
            """,
        ),
        # the claim's version (its updated_at) a proposal was written against; '' a new claim
        Migration(2, "ALTER TABLE claim_proposals ADD COLUMN base_version TEXT;"),
    ),
    "usage": (
        Migration(
            1,
            """
            CREATE TABLE usage_daily (
                day TEXT NOT NULL,
                platform TEXT NOT NULL,
                chat_id TEXT NOT NULL,
                metric TEXT NOT NULL,
                value REAL NOT NULL,
                PRIMARY KEY (day, platform, chat_id, metric)
            );
            """,
        ),
    ),
    "campaigns": (
        Migration(
            1,
            """
            CREATE TABLE campaigns (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                platform TEXT NOT NULL,
                chat_id TEXT NOT NULL,
                spec TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'stopped', 'finished')),
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX campaigns_by_state ON campaigns (state);
            CREATE TABLE campaign_posts (
                campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
                slot TEXT NOT NULL,
                claim_id TEXT,
                status TEXT NOT NULL
                    CHECK (status IN ('sending', 'posted', 'late', 'missed', 'uncertain')),
                updated_at TEXT NOT NULL,
                PRIMARY KEY (campaign_id, slot)
            );
            """,
        ),
        # why a campaign was paused by Wattson itself (its chat refuses the bot's posts)
        Migration(2, "ALTER TABLE campaigns ADD COLUMN note TEXT;"),
    ),
    # A report keeps the one message text Wattson stores: the statement a reader sent to
    # /check and then chose to report (with the verdict, the language and the chat).
    "reports": (
        Migration(
            1,
            """
            CREATE TABLE check_reports (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                statement TEXT NOT NULL,
                verdict TEXT NOT NULL CHECK (verdict IN ('consistent', 'inconsistent', 'unknown')),
                language TEXT NOT NULL,
                platform TEXT NOT NULL,
                chat_id TEXT NOT NULL,
                reporter TEXT NOT NULL,
                reason TEXT,
                reported_at TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'open'
                    CHECK (state IN ('open', 'right', 'claim', 'eval')),
                resolved_by TEXT,
                resolved_at TEXT,
                note TEXT
            );
            CREATE INDEX check_reports_by_reporter ON check_reports (reporter, reported_at);
            CREATE INDEX check_reports_by_state ON check_reports (state, id);
            CREATE TABLE report_audit (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                report_id INTEGER NOT NULL REFERENCES check_reports (id),
                action TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL,
                note TEXT
            );
            CREATE INDEX report_audit_by_report ON report_audit (report_id, seq);
            CREATE TABLE eval_statements (
                id TEXT PRIMARY KEY,
                set_name TEXT NOT NULL,
                lang TEXT NOT NULL,
                statement TEXT NOT NULL,
                verdict TEXT NOT NULL CHECK (verdict IN ('consistent', 'inconsistent', 'unknown')),
                refs TEXT NOT NULL,
                kind TEXT NOT NULL,
                why TEXT NOT NULL,
                report_id INTEGER REFERENCES check_reports (id),
                added_by TEXT NOT NULL,
                added_at TEXT NOT NULL
            );
            CREATE INDEX eval_statements_by_set ON eval_statements (set_name, id);
            """,
        ),
    ),
    # The moderators' desk on the web: one-time sign-in links and sessions (only their
    # SHA-256 hashes), where each proposal was made, the notices a running bot delivers, and
    # every write made from the desk, by whom (``platform:id``).
    "desk": (
        Migration(
            1,
            """
            CREATE TABLE desk_links (
                token_hash TEXT PRIMARY KEY,
                actor TEXT NOT NULL,
                chats TEXT NOT NULL,
                language TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                used_at TEXT
            );
            CREATE TABLE desk_sessions (
                id_hash TEXT PRIMARY KEY,
                actor TEXT NOT NULL,
                chats TEXT NOT NULL,
                language TEXT NOT NULL,
                created_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            );
            CREATE INDEX desk_sessions_by_expiry ON desk_sessions (expires_at);
            CREATE TABLE proposal_origins (
                proposal_id INTEGER PRIMARY KEY,
                platform TEXT NOT NULL,
                chat_id TEXT NOT NULL,
                language TEXT NOT NULL
            );
            CREATE TABLE desk_notices (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                platform TEXT NOT NULL,
                chat_id TEXT NOT NULL,
                language TEXT NOT NULL,
                proposal_id INTEGER NOT NULL,
                claim_id TEXT NOT NULL,
                decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
                reason TEXT,
                created_at TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent')),
                sent_at TEXT
            );
            CREATE INDEX desk_notices_by_state ON desk_notices (state, platform, id);
            CREATE TABLE desk_audit (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                target TEXT NOT NULL,
                at TEXT NOT NULL,
                detail TEXT
            );
            """,
        ),
    ),
    # Ids of answered platform updates; the table predates this entry, hence IF NOT EXISTS.
    "ledger": (
        Migration(
            1,
            """
            CREATE TABLE IF NOT EXISTS answered_updates (
                platform TEXT NOT NULL,
                update_id INTEGER NOT NULL,
                answered_at REAL NOT NULL,
                PRIMARY KEY (platform, update_id)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS answered_updates_by_time ON answered_updates (answered_at);
            """,
        ),
    ),
    # Quizzes shown and how many chose each option: counts only, never who (bot.quiz.store).
    "quiz": (
        Migration(
            1,
            """
            CREATE TABLE quiz_posts (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                platform TEXT NOT NULL,
                chat_id TEXT NOT NULL,
                poll_ref TEXT NOT NULL,
                claim_id TEXT NOT NULL,
                topic TEXT NOT NULL,
                language TEXT NOT NULL,
                right_option INTEGER NOT NULL,
                options_count INTEGER NOT NULL CHECK (options_count BETWEEN 2 AND 10),
                posted_at TEXT NOT NULL,
                campaign_id INTEGER,
                slot TEXT,
                UNIQUE (platform, poll_ref)
            );
            CREATE INDEX quiz_posts_by_chat ON quiz_posts (platform, chat_id, posted_at);
            CREATE TABLE quiz_counts (
                post_id INTEGER NOT NULL REFERENCES quiz_posts (id),
                option INTEGER NOT NULL CHECK (option BETWEEN 0 AND 9),
                counted INTEGER NOT NULL DEFAULT 0,
                added INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (post_id, option)
            );
            """,
        ),
        # When a poll's answer was revealed (Discord: after the poll ends), so it is told once.
        Migration(2, "ALTER TABLE quiz_posts ADD COLUMN closed_at TEXT;"),
    ),
}
