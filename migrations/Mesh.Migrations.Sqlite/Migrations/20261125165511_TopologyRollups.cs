using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mesh.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TopologyRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "topology_rollups",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    minute = table.Column<long>(type: "INTEGER", nullable: false),
                    replica = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    destination = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    protocol = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    requests = table.Column<long>(type: "INTEGER", nullable: false),
                    errors = table.Column<long>(type: "INTEGER", nullable: false),
                    denied = table.Column<long>(type: "INTEGER", nullable: false),
                    latencies = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_topology_rollups", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_topology_rollups_minute_replica_source_destination_protocol",
                table: "topology_rollups",
                columns: new[] { "minute", "replica", "source", "destination", "protocol" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "topology_rollups");
        }
    }
}
