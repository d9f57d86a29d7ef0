using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mesh.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TelemetryShares : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "telemetry_shares",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    replica = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    payload = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_telemetry_shares", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_telemetry_shares_at",
                table: "telemetry_shares",
                column: "at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "telemetry_shares");
        }
    }
}
