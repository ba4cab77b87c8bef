using System.Text.Encodings.Web;

namespace OciRuntime.Json;

/// <summary>
/// The escaping of Utf8JsonWriter's default (JavaScriptEncoder.Default), without its cost: a
/// writer with no encoder still asks JavaScriptEncoder.Default whether a string needs escaping,
/// and that class's static constructor also builds the relaxed encoder, allowing every code point
/// one by one: 3-4% of a `state` (perf), paid by every command that writes JSON (state, and
/// state.json in start, kill and delete). Same output, byte for byte (Tests/Runtime.Tests
/// AsciiJsonEncoderTests): ASCII stays, except control characters, DEL and " &amp; ' + &lt; &gt; \ `,
/// which become \uXXXX (\b \t \n \f \r and \\ in their short forms), as does everything non-ASCII.
/// </summary>
internal sealed unsafe class AsciiJsonEncoder : JavaScriptEncoder
{
    public static readonly AsciiJsonEncoder Instance = new();

    public static readonly System.Text.Json.JsonWriterOptions Compact = new() { Encoder = Instance };
    public static readonly System.Text.Json.JsonWriterOptions Indented = new() { Encoder = Instance, Indented = true };

    private AsciiJsonEncoder() { }

    public override int MaxOutputCharactersPerInputCharacter => 12; // a surrogate pair: two \uXXXX

    private static bool Escapes(int c) =>
        c < 0x20 || c >= 0x7F || c is '"' or '&' or '\'' or '+' or '<' or '>' or '\\' or '`';

    public override bool WillEncode(int unicodeScalar) => Escapes(unicodeScalar);

    public override int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
            if (Escapes(text[i])) return i;
        return -1;
    }

    public override int FindFirstCharacterToEncodeUtf8(System.ReadOnlySpan<byte> utf8Text)
    {
        for (int i = 0; i < utf8Text.Length; i++)
            if (Escapes(utf8Text[i])) return i;
        return -1;
    }

    public override bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        numberOfCharactersWritten = 0;
        if (!Escapes(unicodeScalar))
        {
            if (bufferLength < 1) return false;
            buffer[0] = (char)unicodeScalar;
            numberOfCharactersWritten = 1;
            return true;
        }
        char shortForm = unicodeScalar switch { '\b' => 'b', '\t' => 't', '\n' => 'n', '\f' => 'f', '\r' => 'r', '\\' => '\\', _ => '\0' };
        if (shortForm != '\0')
        {
            if (bufferLength < 2) return false;
            buffer[0] = '\\';
            buffer[1] = shortForm;
            numberOfCharactersWritten = 2;
            return true;
        }
        if (unicodeScalar <= 0xFFFF)
        {
            if (bufferLength < 6) return false;
            WriteU(buffer, unicodeScalar);
            numberOfCharactersWritten = 6;
            return true;
        }
        if (bufferLength < 12) return false;
        int v = unicodeScalar - 0x10000;
        WriteU(buffer, 0xD800 + (v >> 10));
        WriteU(buffer + 6, 0xDC00 + (v & 0x3FF));
        numberOfCharactersWritten = 12;
        return true;
    }

    private static void WriteU(char* b, int c)
    {
        const string Hex = "0123456789ABCDEF";
        b[0] = '\\';
        b[1] = 'u';
        b[2] = Hex[(c >> 12) & 0xF];
        b[3] = Hex[(c >> 8) & 0xF];
        b[4] = Hex[(c >> 4) & 0xF];
        b[5] = Hex[c & 0xF];
    }
}
