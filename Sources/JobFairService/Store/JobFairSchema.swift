import GRDB

/// The job-fair database, migration by migration (never edit one that has shipped: add one).
/// Lists (skills, a seeker's choices, a ranking) are JSON arrays in one column: they are read
/// and replaced whole. Rounds and their results are immutable once stored: triggers refuse any
/// UPDATE or DELETE of them.
enum JobFairSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: fairs, enterprises, positions, seekers, rounds, outcomes") { db in
            try db.execute(sql: """
                CREATE TABLE fairs (
                    id INTEGER PRIMARY KEY, name TEXT NOT NULL, start_date TEXT NOT NULL, end_date TEXT NOT NULL,
                    venue TEXT NOT NULL, organiser TEXT NOT NULL, client_request_id TEXT UNIQUE);
                CREATE TABLE enterprises (
                    id INTEGER PRIMARY KEY, name TEXT NOT NULL, credit_code TEXT NOT NULL UNIQUE, sector TEXT NOT NULL,
                    address TEXT NOT NULL, client_request_id TEXT UNIQUE);
                CREATE TABLE enterprise_employers (
                    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id), user_id TEXT NOT NULL,
                    PRIMARY KEY (enterprise_id, user_id));
                CREATE INDEX enterprise_employers_by_user ON enterprise_employers(user_id);
                CREATE TABLE positions (
                    id INTEGER PRIMARY KEY, fair_id INTEGER NOT NULL REFERENCES fairs(id),
                    enterprise_id INTEGER NOT NULL REFERENCES enterprises(id), title TEXT NOT NULL,
                    headcount INTEGER NOT NULL CHECK (headcount >= 1), requirements TEXT NOT NULL,
                    salary_min_yuan INTEGER NOT NULL, salary_max_yuan INTEGER NOT NULL, work_location TEXT NOT NULL,
                    client_request_id TEXT UNIQUE);
                CREATE INDEX positions_by_fair ON positions(fair_id, enterprise_id);
                CREATE TABLE seekers (
                    id INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE, profile TEXT NOT NULL);
                CREATE TABLE applications (
                    fair_id INTEGER NOT NULL REFERENCES fairs(id), seeker_id INTEGER NOT NULL REFERENCES seekers(id),
                    position_ids TEXT NOT NULL, PRIMARY KEY (fair_id, seeker_id));
                CREATE TABLE rankings (
                    position_id INTEGER PRIMARY KEY REFERENCES positions(id), seeker_ids TEXT NOT NULL);
                CREATE TABLE rounds (
                    fair_id INTEGER NOT NULL REFERENCES fairs(id), number INTEGER NOT NULL, created_at REAL NOT NULL,
                    seekers INTEGER NOT NULL, positions INTEGER NOT NULL, places INTEGER NOT NULL,
                    matched INTEGER NOT NULL, unmatched INTEGER NOT NULL, blocking_pairs INTEGER NOT NULL CHECK (blocking_pairs = 0),
                    changed INTEGER NOT NULL, proposals INTEGER NOT NULL, PRIMARY KEY (fair_id, number));
                CREATE TABLE round_results (
                    fair_id INTEGER NOT NULL, round INTEGER NOT NULL, seeker_id INTEGER NOT NULL,
                    position_id INTEGER, choice_number INTEGER, explanation TEXT NOT NULL, outcomes TEXT NOT NULL,
                    PRIMARY KEY (fair_id, round, seeker_id), FOREIGN KEY (fair_id, round) REFERENCES rounds(fair_id, number));
                CREATE INDEX round_results_by_position ON round_results(fair_id, round, position_id);
                CREATE TRIGGER rounds_are_immutable_u BEFORE UPDATE ON rounds BEGIN SELECT RAISE(ABORT, 'rounds are immutable'); END;
                CREATE TRIGGER rounds_are_immutable_d BEFORE DELETE ON rounds BEGIN SELECT RAISE(ABORT, 'rounds are immutable'); END;
                CREATE TRIGGER round_results_are_immutable_u BEFORE UPDATE ON round_results BEGIN SELECT RAISE(ABORT, 'rounds are immutable'); END;
                CREATE TRIGGER round_results_are_immutable_d BEFORE DELETE ON round_results BEGIN SELECT RAISE(ABORT, 'rounds are immutable'); END;
                CREATE TABLE outcomes (
                    fair_id INTEGER NOT NULL, round INTEGER NOT NULL, seeker_id INTEGER NOT NULL, position_id INTEGER NOT NULL,
                    state INTEGER NOT NULL, updated_by TEXT NOT NULL, updated_at REAL NOT NULL,
                    PRIMARY KEY (fair_id, round, seeker_id));
                """)
        }
        return migrator
    }
}
