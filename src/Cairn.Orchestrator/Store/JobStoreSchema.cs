namespace Cairn.Orchestrator.Store;

/// <summary>The job store's migrations, oldest first. Never edit a released step: add a new one.</summary>
public static class JobStoreSchema
{
    /// <summary>Every migration, in order.</summary>
    public static IReadOnlyList<JobStoreMigration> Migrations { get; } =
    [
        new(1, "jobs, executions, evaluations and the append-only history", """
            CREATE TABLE jobs (
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              namespace TEXT NOT NULL,
              type TEXT NOT NULL,
              priority INTEGER NOT NULL,
              state TEXT NOT NULL,
              state_message TEXT,
              revision INTEGER NOT NULL,
              spec TEXT NOT NULL,
              created_at INTEGER NOT NULL,
              modified_at INTEGER NOT NULL
            );
            CREATE INDEX jobs_state ON jobs (state, created_at);
            CREATE TABLE executions (
              id TEXT PRIMARY KEY,
              job_id TEXT NOT NULL REFERENCES jobs (id),
              node_id TEXT NOT NULL,
              desired_state TEXT NOT NULL,
              state TEXT NOT NULL,
              state_message TEXT,
              attempt INTEGER NOT NULL,
              bid_price INTEGER,
              result TEXT,
              revision INTEGER NOT NULL,
              created_at INTEGER NOT NULL,
              modified_at INTEGER NOT NULL,
              started_at INTEGER
            );
            CREATE INDEX executions_job ON executions (job_id, created_at);
            CREATE TABLE evaluations (
              id TEXT PRIMARY KEY,
              job_id TEXT NOT NULL REFERENCES jobs (id),
              triggered_by TEXT NOT NULL,
              status TEXT NOT NULL,
              priority INTEGER NOT NULL,
              wait_until INTEGER NOT NULL,
              lease_owner TEXT,
              lease_expires_at INTEGER,
              attempts INTEGER NOT NULL,
              claimed_through INTEGER,
              message TEXT,
              created_at INTEGER NOT NULL,
              modified_at INTEGER NOT NULL
            );
            CREATE INDEX evaluations_queue ON evaluations (status, wait_until);
            CREATE INDEX evaluations_job ON evaluations (job_id);
            CREATE TABLE history (
              seq INTEGER PRIMARY KEY AUTOINCREMENT,
              time INTEGER NOT NULL,
              job_id TEXT NOT NULL,
              kind TEXT NOT NULL,
              execution_id TEXT,
              evaluation_id TEXT,
              previous_state TEXT,
              new_state TEXT NOT NULL,
              actor TEXT NOT NULL,
              details TEXT
            );
            CREATE INDEX history_job ON history (job_id, seq);
            CREATE TRIGGER history_no_update BEFORE UPDATE ON history
              BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
            CREATE TRIGGER history_no_delete BEFORE DELETE ON history
              BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;
            """),
        new(2, "each execution's ledger deal: id, opening and closing transactions, status and amounts", """
            ALTER TABLE executions ADD COLUMN deal_id TEXT;
            ALTER TABLE executions ADD COLUMN deal_tx TEXT;
            ALTER TABLE executions ADD COLUMN deal_status TEXT;
            ALTER TABLE executions ADD COLUMN settlement_tx TEXT;
            ALTER TABLE executions ADD COLUMN paid INTEGER;
            ALTER TABLE executions ADD COLUMN refunded INTEGER;
            CREATE INDEX executions_unsettled ON executions (job_id)
              WHERE deal_id IS NOT NULL AND (deal_status IS NULL OR deal_status = 'Open');
            """),
        new(3, "the evaluation queue in claim order, so a claim stops at the first due row", """
            CREATE INDEX evaluations_ready ON evaluations (status, priority DESC, wait_until, created_at);
            """),
    ];
}
