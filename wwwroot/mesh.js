// The console's own browser code: saving a file the server made (an export) under its name.
window.meshConsole = {
    download: async (fileName, contentType, streamReference) => {
        const buffer = await streamReference.arrayBuffer();
        const url = URL.createObjectURL(new Blob([buffer], { type: contentType }));
        const link = document.createElement("a");
        link.href = url;
        link.download = fileName;
        link.click();
        URL.revokeObjectURL(url);
    },
};
