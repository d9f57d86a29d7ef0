using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mesh.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SidecarSyncState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "applied_revision",
                table: "sidecar_instances",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "refused_error",
                table: "sidecar_instances",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "refused_revision",
                table: "sidecar_instances",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "applied_revision",
                table: "sidecar_instances");

            migrationBuilder.DropColumn(
                name: "refused_error",
                table: "sidecar_instances");

            migrationBuilder.DropColumn(
                name: "refused_revision",
                table: "sidecar_instances");
        }
    }
}
