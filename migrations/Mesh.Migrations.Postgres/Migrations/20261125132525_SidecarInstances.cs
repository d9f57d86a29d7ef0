using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mesh.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SidecarInstances : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sidecar_instances",
                columns: table => new
                {
                    instance_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    service = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    address = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    port = table.Column<int>(type: "integer", nullable: false),
                    labels = table.Column<string>(type: "text", nullable: false),
                    build = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    connected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    connected = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sidecar_instances", x => x.instance_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sidecar_instances_service",
                table: "sidecar_instances",
                column: "service");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sidecar_instances");
        }
    }
}
