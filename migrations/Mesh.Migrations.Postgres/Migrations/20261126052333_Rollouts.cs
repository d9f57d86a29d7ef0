using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Mesh.Migrations.Postgres.Migrations
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    service = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    canary_subset = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    stable_subset = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    steps = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    interval_seconds = table.Column<int>(type: "integer", nullable: false),
                    max_error_excess_percent = table.Column<double>(type: "double precision", nullable: false),
                    max_p99ratio = table.Column<double>(type: "double precision", nullable: false),
                    min_calls = table.Column<int>(type: "integer", nullable: false),
                    step_index = table.Column<int>(type: "integer", nullable: false),
                    step_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    message = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    gate = table.Column<string>(type: "text", nullable: true),
                    last_revision = table.Column<long>(type: "bigint", nullable: true),
                    started_by = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
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
