using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mesh.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class InitialStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "config_objects",
                columns: table => new
                {
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    target = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    spec = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false),
                    revision = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_config_objects", x => new { x.kind, x.target });
                });

            migrationBuilder.CreateTable(
                name: "config_revisions",
                columns: table => new
                {
                    number = table.Column<long>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    target = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    before = table.Column<string>(type: "TEXT", nullable: true),
                    after = table.Column<string>(type: "TEXT", nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    revert_of = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_config_revisions", x => x.number);
                });

            migrationBuilder.CreateTable(
                name: "mesh_state",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    latest_revision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mesh_state", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "mesh_state",
                columns: new[] { "id", "latest_revision" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_config_objects_target",
                table: "config_objects",
                column: "target");

            migrationBuilder.CreateIndex(
                name: "ix_config_revisions_actor_number",
                table: "config_revisions",
                columns: new[] { "actor", "number" });

            migrationBuilder.CreateIndex(
                name: "ix_config_revisions_kind_target_number",
                table: "config_revisions",
                columns: new[] { "kind", "target", "number" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "config_objects");

            migrationBuilder.DropTable(
                name: "config_revisions");

            migrationBuilder.DropTable(
                name: "mesh_state");
        }
    }
}
