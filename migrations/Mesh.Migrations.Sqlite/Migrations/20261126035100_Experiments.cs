using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mesh.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Experiments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "experiments",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    target = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    source_service = table.Column<string>(type: "TEXT", maxLength: 63, nullable: true),
                    header_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    header_value = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    delay_ms = table.Column<int>(type: "INTEGER", nullable: true),
                    delay_percent = table.Column<double>(type: "REAL", nullable: true),
                    abort_http_status = table.Column<int>(type: "INTEGER", nullable: true),
                    abort_grpc_status = table.Column<int>(type: "INTEGER", nullable: true),
                    abort_percent = table.Column<double>(type: "REAL", nullable: true),
                    duration_seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    condition_source = table.Column<string>(type: "TEXT", maxLength: 63, nullable: true),
                    condition_destination = table.Column<string>(type: "TEXT", maxLength: 63, nullable: true),
                    condition_error_percent = table.Column<double>(type: "REAL", nullable: true),
                    condition_for_seconds = table.Column<int>(type: "INTEGER", nullable: true),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    started_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    started_at = table.Column<long>(type: "INTEGER", nullable: false),
                    ends_at = table.Column<long>(type: "INTEGER", nullable: false),
                    ended_at = table.Column<long>(type: "INTEGER", nullable: true),
                    ended_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    end_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    start_revision = table.Column<long>(type: "INTEGER", nullable: true),
                    end_revision = table.Column<long>(type: "INTEGER", nullable: true),
                    fault_removed = table.Column<bool>(type: "INTEGER", nullable: false),
                    figures = table.Column<string>(type: "TEXT", nullable: true),
                    settled = table.Column<bool>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiments", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_experiments_state_started_at",
                table: "experiments",
                columns: new[] { "state", "started_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "experiments");
        }
    }
}
