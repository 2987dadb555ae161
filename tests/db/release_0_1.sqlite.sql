-- The schema Huren 0.1 (main at 0f70955, the last release before migrations) built on sqlite: create_all
-- of its three MetaData objects after the start-up upgrades, printed by SQLAlchemy. Frozen for tests/db.
CREATE TABLE api_users (
	id INTEGER NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	area VARCHAR(16), 
	province VARCHAR(16), 
	password_hash VARCHAR(256), 
	created_at VARCHAR(40) NOT NULL, 
	disabled BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE api_login_throttle (
	scope VARCHAR(8) NOT NULL, 
	"key" VARCHAR(128) NOT NULL, 
	failures INTEGER NOT NULL, 
	last_failure FLOAT NOT NULL, 
	blocked_until FLOAT NOT NULL, 
	locked BOOLEAN NOT NULL, 
	PRIMARY KEY (scope, "key")
);
CREATE TABLE api_audit_log (
	seq INTEGER NOT NULL, 
	at VARCHAR(40) NOT NULL, 
	actor VARCHAR(64) NOT NULL, 
	action VARCHAR(48) NOT NULL, 
	target VARCHAR(64), 
	detail JSON NOT NULL, 
	prev_hash VARCHAR(64) NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (seq)
);
CREATE TABLE api_audit_head (
	id INTEGER NOT NULL, 
	seq INTEGER NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE api_tokens (
	id INTEGER NOT NULL, 
	user_id INTEGER NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	revoked BOOLEAN NOT NULL, 
	expires_at FLOAT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES api_users (id), 
	UNIQUE (token_hash)
);
CREATE TABLE api_applications (
	id VARCHAR(32) NOT NULL, 
	owner_id INTEGER NOT NULL, 
	area VARCHAR(16) NOT NULL, 
	state VARCHAR(24) NOT NULL, 
	version INTEGER NOT NULL, 
	form TEXT NOT NULL, 
	auto_outcome VARCHAR(16), 
	decided_by VARCHAR(64), 
	decision JSON, 
	reupload JSON, 
	certificate_number VARCHAR(40), 
	certificate_error VARCHAR(64), 
	created_at VARCHAR(40) NOT NULL, 
	updated_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(owner_id) REFERENCES api_users (id)
);
CREATE INDEX ix_api_applications_area_state ON api_applications (area, state);
CREATE TABLE api_documents (
	id VARCHAR(32) NOT NULL, 
	application_id VARCHAR(32) NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	storage_name VARCHAR(64) NOT NULL, 
	filename VARCHAR(255) NOT NULL, 
	content_type VARCHAR(64) NOT NULL, 
	size INTEGER NOT NULL, 
	active BOOLEAN NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_api_documents_content UNIQUE (application_id, sha256), 
	FOREIGN KEY(application_id) REFERENCES api_applications (id)
);
CREATE TABLE api_jobs (
	id INTEGER NOT NULL, 
	application_id VARCHAR(32) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	claimed_by VARCHAR(64), 
	lease_until FLOAT, 
	error TEXT, 
	created_at VARCHAR(40) NOT NULL, 
	finished_at VARCHAR(40), 
	PRIMARY KEY (id), 
	FOREIGN KEY(application_id) REFERENCES api_applications (id)
);
CREATE INDEX ix_api_jobs_state ON api_jobs (state, id);
CREATE TABLE api_screenings (
	id INTEGER NOT NULL, 
	application_id VARCHAR(32) NOT NULL, 
	job_id INTEGER NOT NULL, 
	outcome VARCHAR(16) NOT NULL, 
	result TEXT NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(application_id) REFERENCES api_applications (id), 
	UNIQUE (job_id), 
	FOREIGN KEY(job_id) REFERENCES api_jobs (id)
);
CREATE TABLE registry_records (
	id INTEGER NOT NULL, 
	cert_type VARCHAR(16) NOT NULL, 
	cert_number VARCHAR(64) NOT NULL, 
	name VARCHAR(64) NOT NULL, 
	id_number TEXT, 
	gender VARCHAR(4), 
	level SMALLINT, 
	categories TEXT NOT NULL, 
	items TEXT NOT NULL, 
	issuing_authority VARCHAR(128), 
	valid_from DATE, 
	valid_until DATE, 
	status VARCHAR(16) NOT NULL, 
	employer VARCHAR(256), 
	source VARCHAR(512), 
	updated_at VARCHAR(40), 
	cert_key VARCHAR(64), 
	id_key VARCHAR(64), 
	name_key VARCHAR(64), 
	cert_tail VARCHAR(64), 
	id_region_birth VARCHAR(64), 
	id_birth_seq VARCHAR(64), 
	id_region_seq VARCHAR(64), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_registry_records_cert UNIQUE (cert_type, cert_number)
);
CREATE INDEX ix_registry_records_name_key ON registry_records (name_key);
CREATE INDEX ix_registry_records_id_region_seq ON registry_records (id_region_seq);
CREATE INDEX ix_registry_records_id_birth_seq ON registry_records (id_birth_seq);
CREATE INDEX ix_registry_records_id_region_birth ON registry_records (id_region_birth);
CREATE INDEX ix_registry_records_id_key ON registry_records (id_key);
CREATE INDEX ix_registry_records_cert_tail ON registry_records (cert_tail);
CREATE INDEX ix_registry_records_id_number ON registry_records (id_number);
CREATE INDEX ix_registry_records_cert_key ON registry_records (cert_key);
CREATE TABLE recognitions (
	id INTEGER NOT NULL, 
	number VARCHAR(40) NOT NULL, 
	area VARCHAR(16) NOT NULL, 
	year SMALLINT NOT NULL, 
	sequence INTEGER NOT NULL, 
	cert_type VARCHAR(16) NOT NULL, 
	cert_number VARCHAR(64) NOT NULL, 
	holder_name VARCHAR(64) NOT NULL, 
	id_number TEXT, 
	id_number_hash VARCHAR(64), 
	level SMALLINT, 
	categories TEXT NOT NULL, 
	valid_from DATE, 
	valid_until DATE, 
	employer VARCHAR(256), 
	former_employer VARCHAR(256), 
	original_authority VARCHAR(128), 
	recognising_authority VARCHAR(128) NOT NULL, 
	issued_on DATE NOT NULL, 
	decision_as_of DATE NOT NULL, 
	rules_version VARCHAR(64) NOT NULL, 
	pdf_path VARCHAR(512), 
	created_at VARCHAR(40) NOT NULL, 
	application_id VARCHAR(32), 
	superseded_by VARCHAR(40), 
	superseded_on DATE, 
	revoked_on DATE, 
	revoked_reason VARCHAR(512), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_recognitions_sequence UNIQUE (area, year, sequence), 
	UNIQUE (number)
);
CREATE INDEX ix_recognitions_application_id ON recognitions (application_id);
CREATE INDEX ix_recognitions_id_number_hash ON recognitions (id_number_hash);
