"""Storage: the database, its one model, saving results under links, and the migrations."""
