using Silk.NET.OpenGL;

namespace ExperimentRunner.Presentation.Gl;

/// <summary>
/// The one drawing primitive we need: a textured, tinted rectangle in screen pixels (origin top-left), drawn as a
/// 4-vertex strip from one static buffer with four uniforms. Premultiplied-alpha blending. Every call after
/// construction is allocation-free. With <see cref="PartialRedraw"/> on, a frame is recorded between
/// <see cref="Begin"/> and <see cref="End"/> and only what changed is drawn (GlRenderer.Damage.cs).
/// </summary>
internal sealed unsafe partial class GlRenderer : IDisposable
{
    private const string VertexBody = """
        layout(location = 0) in vec2 aPos;
        uniform vec4 uRect;   // x, y, width, height in pixels, y down
        uniform vec4 uUv;     // u, v, du, dv
        uniform vec2 uScreen; // width, height in pixels
        out vec2 vUv;
        void main() {
            vec2 p = uRect.xy + aPos * uRect.zw;
            vUv = uUv.xy + aPos * uUv.zw;
            gl_Position = vec4(p.x / uScreen.x * 2.0 - 1.0, 1.0 - p.y / uScreen.y * 2.0, 0.0, 1.0);
        }
        """;

    private const string FragmentBody = """
        in vec2 vUv;
        uniform sampler2D uTex;
        uniform vec4 uColor;  // premultiplied tint
        out vec4 oColor;
        void main() { oColor = texture(uTex, vUv) * uColor; }
        """;

    private readonly GL _gl;
    private readonly uint _program, _vao, _vbo;
    private readonly int _uRect, _uUv, _uScreen, _uColor, _uTex;
    private uint _boundTexture = uint.MaxValue;

    public GlRenderer(GL gl, bool es)
    {
        _gl = gl;
        string header = es ? "#version 300 es\nprecision highp float;\n" : "#version 330 core\n";
        uint vs = Compile(ShaderType.VertexShader, header + VertexBody);
        uint fs = Compile(ShaderType.FragmentShader, header + FragmentBody);
        _program = gl.CreateProgram();
        gl.AttachShader(_program, vs);
        gl.AttachShader(_program, fs);
        gl.LinkProgram(_program);
        gl.GetProgram(_program, ProgramPropertyARB.LinkStatus, out int linked);
        gl.DeleteShader(vs);
        gl.DeleteShader(fs);
        if (linked == 0) throw new GlUnavailableException($"the GL shader program did not link: {gl.GetProgramInfoLog(_program)}");
        _uRect = gl.GetUniformLocation(_program, "uRect");
        _uUv = gl.GetUniformLocation(_program, "uUv");
        _uScreen = gl.GetUniformLocation(_program, "uScreen");
        _uColor = gl.GetUniformLocation(_program, "uColor");
        _uTex = gl.GetUniformLocation(_program, "uTex");

        _vao = gl.GenVertexArray();
        gl.BindVertexArray(_vao);
        _vbo = gl.GenBuffer();
        gl.BindBuffer(BufferTargetARB.ArrayBuffer, _vbo);
        ReadOnlySpan<float> quad = [0, 0, 1, 0, 0, 1, 1, 1];
        gl.BufferData(BufferTargetARB.ArrayBuffer, quad, BufferUsageARB.StaticDraw);
        gl.VertexAttribPointer(0, 2, VertexAttribPointerType.Float, false, 2 * sizeof(float), (void*)0);
        gl.EnableVertexAttribArray(0);
        gl.UseProgram(_program);
        gl.Uniform1(_uTex, 0);
        gl.Enable(EnableCap.Blend);
        gl.BlendFunc(BlendingFactor.One, BlendingFactor.OneMinusSrcAlpha);
        gl.Disable(EnableCap.DepthTest);
        gl.Disable(EnableCap.CullFace);
        gl.ActiveTexture(TextureUnit.Texture0);
    }

    private uint Compile(ShaderType type, string source)
    {
        uint shader = _gl.CreateShader(type);
        _gl.ShaderSource(shader, source);
        _gl.CompileShader(shader);
        _gl.GetShader(shader, ShaderParameterName.CompileStatus, out int ok);
        if (ok == 0) throw new GlUnavailableException($"the GL {type} did not compile: {_gl.GetShaderInfoLog(shader)}");
        return shader;
    }

    /// <summary>Starts a frame: viewport (drawable pixels), coordinate space (composed pixels), clear colour (0–1, opaque).</summary>
    public void Begin(int drawableW, int drawableH, int screenW, int screenH, float r, float g, float b)
    {
        _frame = new FrameSetup(drawableW, drawableH, screenW, screenH, r, g, b);
        if (PartialRedraw) Record(_frame);
        else BeginNow(drawableW, drawableH, screenW, screenH, r, g, b);
    }

    private void BeginNow(int drawableW, int drawableH, int screenW, int screenH, float r, float g, float b)
    {
        SetFrameState(drawableW, drawableH, screenW, screenH, r, g, b);
        _gl.Clear(ClearBufferMask.ColorBufferBit);
    }

    /// <summary>A frame's viewport, clear colour, program and coordinate space, without clearing.</summary>
    private void SetFrameState(int drawableW, int drawableH, int screenW, int screenH, float r, float g, float b)
    {
        _gl.Viewport(0, 0, (uint)drawableW, (uint)drawableH);
        _gl.ClearColor(r, g, b, 1f);
        _gl.UseProgram(_program);
        _gl.BindVertexArray(_vao);
        _gl.Uniform2(_uScreen, (float)screenW, screenH);
        _boundTexture = uint.MaxValue;
    }

    /// <summary>Draws texture region (u, v, du, dv) into a rectangle (pixels), tinted by a premultiplied colour.</summary>
    public void Draw(uint texture, float x, float y, float w, float h, float u, float v, float du, float dv, float r, float g, float b, float a)
    {
        if (PartialRedraw) Record(new Quad(texture, x, y, w, h, u, v, du, dv, r, g, b, a));
        else DrawNow(texture, x, y, w, h, u, v, du, dv, r, g, b, a);
    }

    private void DrawNow(uint texture, float x, float y, float w, float h, float u, float v, float du, float dv, float r, float g, float b, float a)
    {
        if (texture != _boundTexture)
        {
            _gl.BindTexture(TextureTarget.Texture2D, texture);
            _boundTexture = texture;
        }
        _gl.Uniform4(_uRect, x, y, w, h);
        _gl.Uniform4(_uUv, u, v, du, dv);
        _gl.Uniform4(_uColor, r, g, b, a);
        _gl.DrawArrays(PrimitiveType.TriangleStrip, 0, 4);
    }

    /// <summary>Creates an RGBA8 texture from premultiplied RGBA pixels (rows top first), linear filtering, clamped.</summary>
    public uint Upload(int width, int height, nint pixels)
    {
        uint tex = _gl.GenTexture();
        _gl.BindTexture(TextureTarget.Texture2D, tex);
        _boundTexture = tex;
        _gl.PixelStore(PixelStoreParameter.UnpackAlignment, 4);
        _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Linear);
        _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMagFilter.Linear);
        _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
        _gl.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
        _gl.TexImage2D(TextureTarget.Texture2D, 0, InternalFormat.Rgba8, (uint)width, (uint)height, 0,
            PixelFormat.Rgba, PixelType.UnsignedByte, (void*)pixels);
        var error = _gl.GetError();
        if (error != GLEnum.NoError)
        {
            _gl.DeleteTexture(tex);
            throw new GlUnavailableException($"GL could not create a {width}×{height} texture ({error}); out of video memory?");
        }
        return tex;
    }

    /// <summary>As <see cref="Upload(int, int, nint)"/>, from a rectangle of a larger picture whose rows are <paramref name="rowPixels"/> pixels apart.</summary>
    public uint Upload(int width, int height, nint pixels, int rowPixels)
    {
        _gl.PixelStore(PixelStoreParameter.UnpackRowLength, rowPixels == width ? 0 : rowPixels);
        try { return Upload(width, height, pixels); }
        finally { _gl.PixelStore(PixelStoreParameter.UnpackRowLength, 0); }
    }

    public void DeleteTexture(uint texture)
    {
        // GL may give the name to the next upload: a quad of the same name would then look unchanged.
        Invalidate();
        if (texture == _boundTexture) _boundTexture = uint.MaxValue;
        _gl.DeleteTexture(texture);
    }

    public void Dispose()
    {
        if (_copyFramebuffer != 0) _gl.DeleteFramebuffer(_copyFramebuffer);
        _gl.DeleteBuffer(_vbo);
        _gl.DeleteVertexArray(_vao);
        _gl.DeleteProgram(_program);
    }
}
