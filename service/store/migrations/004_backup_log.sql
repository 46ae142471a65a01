-- Backups taken while serving (POST /api/backup, serve --backup-every): what `jachi doctor` reports
-- as the last backup.
CREATE TABLE backup_log (
  file VARCHAR NOT NULL,
  bytes BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  takenAt TIMESTAMPTZ NOT NULL
);
