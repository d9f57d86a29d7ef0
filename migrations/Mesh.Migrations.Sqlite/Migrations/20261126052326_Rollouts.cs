using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mesh.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Rollouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "rollouts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    service = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    canary_subset = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    stable_subset = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    steps = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    interval_seconds = table.Column<int>(type: "INTEGER", nullable: false),
                    max_error_excess_percent = table.Column<double>(type: "REAL", nullable: false),
                    max_p99ratio = table.Column<double>(type: "REAL", nullable: false),
                    min_calls = table.Column<int>(type: "INTEGER", nullable: false),
                    step_index = table.Column<int>(type: "INTEGER", nullable: false),
                    step_started_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    message = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    gate = table.Column<string>(type: "TEXT", nullable: true),
                    last_revision = table.Column<long>(type: "INTEGER", nullable: true),
                    started_by = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rollouts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_rollouts_service_state",
                table: "rollouts",
                columns: new[] { "service", "state" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "rollouts");
        }
    }
}
